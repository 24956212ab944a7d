package dev.oauthsmtprelay.deadletter;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.message.DeadLetterRequest;
import dev.oauthsmtprelay.message.DeliveryAttempt;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * Files the queued message of the exchange (or a copy for some recipients) as a dead letter, as the
 * {@link DeadLetterRequest} on the exchange asks, and leaves the stored letter in {@link #FILED} for the
 * notification that may follow.
 *
 * <p>A dead letter that cannot be written (the data directory full or read-only) is not lost: the exchange is rolled
 * back, so the message stays in the queue and is tried again after its redelivery delay, and it becomes the dead
 * letter once the write succeeds. A copy for some recipients of a message the hub took for the others cannot be rolled
 * back without sending it to them again: its delivery waits until the write succeeds. The condition gets one error
 * line when it starts and one line when it ends, not a stack trace per attempt.
 */
public final class DeadLetterFiling implements Processor {

    public static final String FILED = "relayDeadLetterFiled";
    private static final Duration RETRY_WRITE = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFiling.class);

    private final DeadLetterStore store;
    private final Clock clock;
    private final AtomicBoolean unwritable = new AtomicBoolean();

    public DeadLetterFiling(DeadLetterStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public DeadLetterStore store() {
        return store;
    }

    private void keepInTheQueue(Exchange exchange, String id, DeadLetterStoreException e) {
        if (unwritable.compareAndSet(false, true)) {
            LOG.error("{} The message stays in the queue and is tried again after its redelivery delay; it becomes "
                    + "the dead letter once it can be written. Further dead letters wait the same way; one line "
                    + "follows when they can be written again.", e.getMessage());
        } else {
            LOG.debug("Dead letter {} still cannot be written; the message stays in the queue: {}", id,
                    e.getMessage());
        }
        exchange.setRollbackOnly(true);
        exchange.setRouteStop(true);
    }

    /**
     * A copy for some recipients: the message went to its other recipients, so rolling back would send it to them again
     * on every attempt. This delivery waits instead, with its message unacknowledged, until the dead letter is written.
     *
     * @return false when the relay stops meanwhile
     */
    private boolean waitUntilWritten(Exchange exchange, DeadLetter letter, DeadLetterStoreException first) {
        if (unwritable.compareAndSet(false, true)) {
            LOG.error("{} The message was delivered to its other recipients, so it is not tried again: this delivery "
                    + "waits, its message kept in the queue, and the dead letter is written as soon as it can be; "
                    + "one line follows when dead letters can be written again.", first.getMessage());
        }
        while (!exchange.getContext().isStopping()) {
            try {
                Thread.sleep(RETRY_WRITE.toMillis());
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                store.write(letter);
                return true;
            } catch (DeadLetterStoreException stillUnwritable) {
                LOG.debug("Dead letter {} still cannot be written: {}", letter.id(), stillUnwritable.getMessage());
            }
        }
        return false;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        DeadLetterRequest request = DeadLetterRequest.of(exchange);
        Message in = exchange.getIn();
        String id = QueuedMessage.relayId(in) + request.idSuffix();
        DeadLetter letter = new DeadLetter(id, DeliveryAttempt.queuedMime(exchange), QueuedMessage.mailFrom(in),
                request.recipients(), DeliveryAttempt.mailbox(exchange), request.reason(), request.hubReply(),
                QueuedMessage.deliveryCount(in), QueuedMessage.queuedAt(in), clock.instant(), QueuedMessage.source(in));
        try {
            store.write(letter);
        } catch (DeadLetterStoreException e) {
            if (request.idSuffix().isEmpty()) {
                keepInTheQueue(exchange, id, e);
                return;
            }
            if (!waitUntilWritten(exchange, letter, e)) {
                exchange.setRollbackOnly(true); // the relay stops: the message is tried again after the restart
                exchange.setRouteStop(true);
                return;
            }
        }
        if (unwritable.compareAndSet(true, false)) {
            LOG.info("Dead letters can be written to {} again; the messages kept in the queue meanwhile are filed "
                    + "as they come round.", store.directory().toAbsolutePath());
        }
        exchange.setProperty(FILED, letter);
        LOG.warn("Dead letter {} ({}) as {} for {} recipient(s) after {} ms: {}", id, QueuedMessage.messageId(in),
                letter.senderMailbox() == null ? "(no mailbox)" : letter.senderMailbox(), request.recipients().size(),
                DeliveryAttempt.elapsedMillis(exchange), request.reason());
    }
}
