package dev.oauthsmtprelay.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.deadletter.DeadLetter;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.dsn.DeliveryStatusNotifier;
import dev.oauthsmtprelay.metrics.RelayMetrics;

/** Files a queued message (or a copy for some recipients) as a dead letter with its reason. */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final DeadLetterStore store;
    private final Clock clock;
    private volatile DeliveryStatusNotifier notifier;

    public DeadLetters(DeadLetterStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public DeadLetterStore store() {
        return store;
    }

    /** Milliseconds since delivery of this exchange started, -1 when it never got that far. */
    static long elapsedMillis(Exchange exchange) {
        Long started = exchange.getProperty(DeliveryPreparation.STARTED, Long.class);
        return started == null ? -1 : java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** From now on, tell the original sender of each new dead letter (relay.dsn.enabled). */
    public void notifySenders(DeliveryStatusNotifier notifier) {
        this.notifier = notifier;
    }

    /**
     * @param idSuffix   distinguishes a copy for some recipients from the message itself ("" for the whole message)
     * @param recipients the recipients this dead letter stands for
     */
    public void file(Exchange exchange, String idSuffix, List<String> recipients, String reason, String hubReply)
            throws Exception {
        Message in = exchange.getIn();
        String id = QueuedMessage.relayId(in) + idSuffix;
        Instant now = clock.instant();
        DeadLetter letter = new DeadLetter(id, DeliveryPreparation.queuedMime(exchange), QueuedMessage.mailFrom(in),
                recipients, exchange.getProperty(DeliveryPreparation.MAILBOX, String.class), reason, hubReply,
                QueuedMessage.deliveryCount(in), QueuedMessage.queuedAt(in), now, QueuedMessage.source(in));
        store.write(letter);
        RelayMetrics.of(exchange).deadLettered();
        LOG.warn("Dead letter {} ({}) as {} for {} recipient(s) after {} ms: {}", id, QueuedMessage.messageId(in),
                letter.senderMailbox() == null ? "(no mailbox)" : letter.senderMailbox(), recipients.size(),
                elapsedMillis(exchange), reason);
        DeliveryStatusNotifier dsn = notifier;
        if (dsn != null) {
            try {
                dsn.notifySender(letter);
            } catch (Exception e) {
                // The dead letter is safe on disk; a missing notification must not send the message round again.
                LOG.warn("Could not queue a delivery status notification for dead letter {}: {}. Check that the "
                        + "spool directory (relay.spool.dir) is writable.", id, e.toString());
            }
        }
    }
}
