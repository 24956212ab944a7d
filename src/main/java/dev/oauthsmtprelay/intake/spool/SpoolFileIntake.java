package dev.oauthsmtprelay.intake.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.support.SynchronizationAdapter;

import dev.oauthsmtprelay.intake.parse.FileBackedMessage;
import dev.oauthsmtprelay.intake.parse.MessageParser;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.QueuedMessage;
import dev.oauthsmtprelay.message.RelayIds;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * Turns a spool file into a queued message; an unusable file raises {@link InvalidMessageException}. A MIME file of
 * at least the stream threshold is not read into memory: the body becomes a stream of its (possibly rewritten) header
 * section and the rest of the file, and {@link #STREAMED} tells the route to send it as an Artemis large message.
 */
public final class SpoolFileIntake implements Processor {

    /** Exchange property, {@code true} when the body is a stream to be sent as an Artemis large message. */
    public static final String STREAMED = "relaySpoolFileStreamed";

    /**
     * What a streamed file counts in {@link BytesInFlight}: not its size but the most it holds in the heap, the start
     * of the file read for the header section ({@link FileBackedMessage} keeps at most that, rewritten) plus the
     * fixed buffers of the multipart scan and of Artemis's chunked send (64 KB lines, 100 KB chunks).
     */
    static final long STREAMED_FILE_HEAP_BYTES = 1024 * 1024;

    private final MessageParser parser;
    private final Clock clock;
    private final BytesInFlight bytesInFlight;
    private final long streamThreshold;
    private final Path receiptsDir;
    private final SpoolFileReads reads;

    /**
     * @param bytesInFlight   how many bytes of spool files may be in memory at once, over all intake threads
     * @param streamThreshold MIME files of at least this many bytes are queued from the file as a stream
     *                        (relay.delivery.stream-threshold); 0 or less: every file is read into memory
     * @param receiptsDir     relay.spool.receipts-dir: where each file's delivery receipt goes, or null for none
     * @param reads           reads the files with relay.spool.read-timeout
     */
    public SpoolFileIntake(MessageParser parser, Clock clock, BytesInFlight bytesInFlight, long streamThreshold,
                           Path receiptsDir, SpoolFileReads reads) {
        this.parser = parser;
        this.clock = clock;
        this.bytesInFlight = bytesInFlight;
        this.streamThreshold = streamThreshold;
        this.receiptsDir = receiptsDir;
        this.reads = reads;
    }

    @Override
    public void process(Exchange exchange) throws InvalidMessageException, InterruptedException, IOException {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        GenericFile<?> file = exchange.getProperty(FileComponent.FILE_EXCHANGE_FILE, GenericFile.class);
        if (file == null) {
            throw new InvalidMessageException("not a spool file");
        }
        Path path = Path.of(file.getAbsoluteFilePath());
        SpoolEntries.refuseWhatIsNotARegularFile(path, name);
        SpoolWritability.requireWritable(path);
        Long size = exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class);
        boolean streamed = size != null && streamThreshold > 0 && size >= streamThreshold
                && MessageParser.isMime(name);
        if (size != null) {
            parser.requireWithinSizeLimit(size);
            long heapBytes = streamed ? Math.min(size, STREAMED_FILE_HEAP_BYTES) : size;
            bytesInFlight.acquire(heapBytes);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    bytesInFlight.release(heapBytes);
                }
            });
        }
        if (streamed) {
            queueFromFile(exchange, path, name);
        } else {
            queueFromMemory(exchange, path, name);
        }
        if (receiptsDir != null) {
            exchange.getIn().setHeader(QueuedMessage.RECEIPT_TO, "file:" + receiptsDir.toAbsolutePath());
            exchange.getIn().setHeader(QueuedMessage.RECEIPT_CORRELATION, name);
        }
    }

    private void queueFromMemory(Exchange exchange, Path file, String name)
            throws InvalidMessageException, IOException {
        byte[] content;
        try {
            content = reads.readAll(file, name);
        } catch (AccessDeniedException e) {
            throw unreadable();
        }
        RelayMessage message = parser.parse(name, content);
        QueuedMessage.write(exchange.getIn(), message, RelayIds.next(clock), "spool:" + name, clock.instant());
    }

    private void queueFromFile(Exchange exchange, Path file, String name) throws InvalidMessageException, IOException {
        FileBackedMessage message;
        try {
            message = reads.withDeadline(file, name, () -> parser.parseMimeFile(file));
        } catch (AccessDeniedException e) {
            throw unreadable();
        }
        // The codec writes the JMS properties exactly as for a message in memory; the body is then the stream.
        QueuedMessage.write(exchange.getIn(),
                new RelayMessage(message.headerSection(), message.envelope(), message.headers()), RelayIds.next(clock),
                "spool:" + name, clock.instant());
        exchange.getIn().setHeader(QueuedMessage.SIZE, Files.size(file));
        InputStream body = reads.withDeadlines(file, name, message::open);
        // Artemis closes the stream once it has sent it; this closes it when the send never started.
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // only read from; nothing is lost
                }
            }
        });
        exchange.getIn().setBody(body);
        exchange.setProperty(STREAMED, true);
    }

    private static InvalidMessageException unreadable() {
        return new InvalidMessageException("the file cannot be read; check its permissions");
    }
}
