package dev.oauthsmtprelay.spool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.support.SynchronizationAdapter;

import dev.oauthsmtprelay.delivery.QueuedMessage;
import dev.oauthsmtprelay.intake.InvalidMessageException;
import dev.oauthsmtprelay.intake.MessageParser;
import dev.oauthsmtprelay.intake.RelayMessage;
import dev.oauthsmtprelay.metrics.RelayMetrics;

/** Turns a spool file into a queued message; an unusable file raises {@link InvalidMessageException}. */
public final class SpoolFileIntake implements Processor {

    private final MessageParser parser;
    private final Clock clock;
    private final BytesInFlight bytesInFlight;

    public SpoolFileIntake(MessageParser parser, Clock clock) {
        this(parser, clock, new BytesInFlight(BytesInFlight.defaultLimit()));
    }

    /** @param bytesInFlight how many bytes of spool files may be in memory at once, over all intake threads */
    public SpoolFileIntake(MessageParser parser, Clock clock, BytesInFlight bytesInFlight) {
        this.parser = parser;
        this.clock = clock;
        this.bytesInFlight = bytesInFlight;
    }

    @Override
    public void process(Exchange exchange) throws InvalidMessageException, InterruptedException {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        refuseSymbolicLink(exchange, name);
        Long size = exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class);
        if (size != null) {
            parser.requireWithinSizeLimit(size);
            bytesInFlight.acquire(size);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    bytesInFlight.release(size);
                }
            });
        }
        byte[] content = exchange.getIn().getBody(byte[].class);
        if (content == null) {
            throw new InvalidMessageException("the file cannot be read; check its permissions");
        }
        RelayMessage message = parser.parse(name, content);
        QueuedMessage.write(exchange.getIn(), message, RelayIds.next(clock), "spool:" + name, clock.instant());
        RelayMetrics.of(exchange).received("spool");
    }

    /**
     * A link in the spool could make the relay mail out any file it can read (/etc/shadow, the
     * credentials file); the target is never opened, only the link is moved aside.
     */
    private static void refuseSymbolicLink(Exchange exchange, String name) throws InvalidMessageException {
        GenericFile<?> file = exchange.getProperty(FileComponent.FILE_EXCHANGE_FILE, GenericFile.class);
        if (file != null && Files.isSymbolicLink(Path.of(file.getAbsoluteFilePath()))) {
            throw new InvalidMessageException("symbolic link refused: \"" + name + "\" is a link, and the relay reads "
                    + "only regular files from the spool so that a link cannot make it send a file from elsewhere; "
                    + "write the message itself into the spool directory");
        }
    }
}
