package dev.oauthsmtprelay.deadletter;

import java.time.Clock;

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
 */
public final class DeadLetterFiling implements Processor {

    public static final String FILED = "relayDeadLetterFiled";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterFiling.class);

    private final DeadLetterStore store;
    private final Clock clock;

    public DeadLetterFiling(DeadLetterStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public DeadLetterStore store() {
        return store;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        DeadLetterRequest request = DeadLetterRequest.of(exchange);
        Message in = exchange.getIn();
        String id = QueuedMessage.relayId(in) + request.idSuffix();
        DeadLetter letter = new DeadLetter(id, DeliveryAttempt.queuedMime(exchange), QueuedMessage.mailFrom(in),
                request.recipients(), DeliveryAttempt.mailbox(exchange), request.reason(), request.hubReply(),
                QueuedMessage.deliveryCount(in), QueuedMessage.queuedAt(in), clock.instant(), QueuedMessage.source(in));
        store.write(letter);
        exchange.setProperty(FILED, letter);
        LOG.warn("Dead letter {} ({}) as {} for {} recipient(s) after {} ms: {}", id, QueuedMessage.messageId(in),
                letter.senderMailbox() == null ? "(no mailbox)" : letter.senderMailbox(), request.recipients().size(),
                DeliveryAttempt.elapsedMillis(exchange), request.reason());
    }
}
