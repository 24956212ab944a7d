package dev.oauthsmtprelay.message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;

/**
 * What a delivery attempt leaves on its exchange for the stages after it (dead letters, the re-queue of
 * some recipients): the sender mailbox, when the attempt started, and the queued bytes, which the body no
 * longer holds once it is the outgoing message.
 */
public final class DeliveryAttempt {

    public static final String MAILBOX = "relayMailbox";
    /** How the sender mailbox's account delivers: {@code smtp} or {@code graph} (the route's choice). */
    public static final String TRANSPORT = "relayTransport";
    /** The account (credentials file name) that sends as the mailbox, when the relay has several. */
    public static final String ACCOUNT = "relayAccount";
    public static final String STARTED = "relayDeliveryStarted";
    public static final String QUEUED_MIME = "relayQueuedMime";
    /** How many recipients the hub accepted. */
    public static final String ACCEPTED = "relayAccepted";
    /** The recipients the hub refused for now (a list), to be queued again. */
    public static final String REFUSED_FOR_NOW = "relayRefusedForNow";
    /** Recipients beyond the provider's recipients per transaction (a list): sent in a copy queued next. */
    public static final String DEFERRED = "relayDeferredRecipients";
    /** What the failure handling decided: {@code dead-letter}, {@code retry} or {@code pause}. */
    public static final String FAILURE_ACTION = "relayFailureAction";
    /** The hub's reply to the failed attempt, when there was one. */
    public static final String HUB_REPLY = "relayHubReply";
    /** Why delivery failed, with the fix. */
    public static final String FAILURE_REASON = "relayFailureReason";
    /** A large queued message streamed to a file instead of memory. */
    public static final String BODY_FILE = "relayQueuedBodyFile";

    private DeliveryAttempt() {
    }

    public static String mailbox(Exchange exchange) {
        return exchange.getProperty(MAILBOX, String.class);
    }

    /** Null when the relay has one account. */
    public static String account(Exchange exchange) {
        return exchange.getProperty(ACCOUNT, String.class);
    }

    public static int accepted(Exchange exchange) {
        Integer accepted = exchange.getProperty(ACCEPTED, Integer.class);
        return accepted == null ? 0 : accepted;
    }

    /** Milliseconds since delivery of this exchange started, -1 when it never got that far. */
    public static long elapsedMillis(Exchange exchange) {
        Long started = exchange.getProperty(STARTED, Long.class);
        return started == null ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** Time since delivery of this exchange started, zero when it never got that far. */
    public static Duration elapsed(Exchange exchange) {
        Long started = exchange.getProperty(STARTED, Long.class);
        return started == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started);
    }

    /** The message bytes as they came from the queue; a streamed large message is read back from its file. */
    public static byte[] queuedMime(Exchange exchange) throws InvalidPayloadException {
        byte[] mime = exchange.getProperty(QUEUED_MIME, byte[].class);
        if (mime != null) {
            return mime;
        }
        Path file = exchange.getProperty(BODY_FILE, Path.class);
        if (file == null) {
            return QueuedMessage.mime(exchange.getIn());
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the queued message back from " + file, e);
        }
    }
}
