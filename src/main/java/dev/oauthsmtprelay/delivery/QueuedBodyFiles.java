package dev.oauthsmtprelay.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.mail.util.SharedFileInputStream;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.message.DeliveryAttempt;

/**
 * Large queued messages go from the broker to a file and from the file to the socket, so that delivery never holds
 * one whole in the heap: the JMS body is written in chunks to {@code <relay.data.dir>/delivery/<id>.eml} (Artemis
 * saves a large message to a stream as its chunks arrive), and Angus Mail parses and sends it from a
 * {@link SharedFileInputStream}. The file is deleted when the exchange is done, whatever its outcome; files left
 * by a crash are deleted at start. Messages below the threshold stay on the faster in-memory path.
 */
public final class QueuedBodyFiles {

    /** Exchange property holding the file of a streamed body. */

    private static final Logger LOG = LoggerFactory.getLogger(QueuedBodyFiles.class);
    private static final int CHUNK = 64 * 1024;
    private static final String ARTEMIS_SAVE_STREAM = "JMS_AMQ_SaveStream";

    private final Path dir;
    private final long threshold;

    /** @param threshold bodies of at least this many bytes are streamed through a file; 0 or less: never */
    public QueuedBodyFiles(Path dir, long threshold) {
        this.dir = dir;
        this.threshold = threshold;
        deleteLeftovers();
    }

    /** Never streams: every body stays in memory (the {@code send --now} path, which has no queue). */
    public static QueuedBodyFiles none() {
        return new QueuedBodyFiles(null, 0);
    }

    /**
     * Copies the exchange's JMS body into a file when it is large, before anything has read it into memory; the
     * file is deleted when the exchange completes.
     *
     * @return the opened file, or empty when the body stays in memory (small, not a JMS bytes message, or already
     *         read)
     */
    Optional<SharedFileInputStream> stream(Exchange exchange, String id) throws IOException, JMSException {
        if (threshold <= 0 || !(exchange.getIn() instanceof JmsMessage in)
                || !(in.getJmsMessage() instanceof BytesMessage body) || body.getBodyLength() < threshold) {
            return Optional.empty();
        }
        Files.createDirectories(dir);
        Path file = dir.resolve(safeName(id) + ".eml");
        long copied = copy(body, file);
        if (copied != body.getBodyLength()) {
            // something read the body before us: it is in memory already, take it from there
            Files.deleteIfExists(file);
            return Optional.empty();
        }
        SharedFileInputStream stream = new SharedFileInputStream(file.toFile());
        exchange.setProperty(DeliveryAttempt.BODY_FILE, file);
        exchange.getExchangeExtension().addOnCompletion(new DeleteWhenDone(stream, file));
        return Optional.of(stream);
    }

    /**
     * Artemis: {@code JMS_AMQ_SaveStream} writes a large message to the stream chunk by chunk as it arrives;
     * reading it with {@code readBytes} would first gather the whole body in one buffer in the heap. Other
     * providers: {@code readBytes} in chunks.
     */
    private static long copy(BytesMessage body, Path file) throws IOException, JMSException {
        try (OutputStream out = Files.newOutputStream(file)) {
            if (body instanceof ActiveMQMessage) {
                body.setObjectProperty(ARTEMIS_SAVE_STREAM, out);
            } else {
                byte[] chunk = new byte[CHUNK];
                for (int n = body.readBytes(chunk); n > 0; n = body.readBytes(chunk)) {
                    out.write(chunk, 0, n);
                }
            }
        }
        return Files.size(file);
    }

    private static String safeName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private void deleteLeftovers() {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".eml")).forEach(QueuedBodyFiles::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("Cannot clean up {}: {}", dir, e.toString());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}; delete it by hand, it is a copy of a queued message", file, e.toString());
        }
    }

    private static final class DeleteWhenDone extends SynchronizationAdapter {
        private final SharedFileInputStream stream;
        private final Path file;

        DeleteWhenDone(SharedFileInputStream stream, Path file) {
            this.stream = stream;
            this.file = file;
        }

        @Override
        public void onDone(Exchange exchange) {
            try {
                stream.close();
            } catch (IOException e) {
                LOG.debug("Closing {}: {}", file, e.toString());
            }
            deleteQuietly(file);
        }
    }
}
