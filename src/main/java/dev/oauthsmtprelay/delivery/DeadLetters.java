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

/** Files a queued message (or a copy for some recipients) as a dead letter with its reason. */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final DeadLetterStore store;
    private final Clock clock;

    public DeadLetters(DeadLetterStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public DeadLetterStore store() {
        return store;
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
        store.write(new DeadLetter(id, DeliveryPreparation.queuedMime(exchange), QueuedMessage.mailFrom(in), recipients,
                exchange.getProperty(DeliveryPreparation.MAILBOX, String.class), reason, hubReply,
                QueuedMessage.deliveryCount(in), QueuedMessage.queuedAt(in), now, QueuedMessage.source(in)));
        LOG.warn("Dead letter {} ({}, {} recipient(s)): {}", id, QueuedMessage.messageId(in), recipients.size(), reason);
    }
}
