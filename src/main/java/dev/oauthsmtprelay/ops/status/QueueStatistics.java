package dev.oauthsmtprelay.ops.status;

import java.util.OptionalLong;

import org.apache.activemq.artemis.core.server.Queue;

import dev.oauthsmtprelay.queue.QueueAdmin;
import dev.oauthsmtprelay.queue.RelayBroker;

/**
 * How many messages wait in the delivery queue, and how many of them wait for a redelivery delay
 * after a failed attempt. The embedded broker answers directly; an external Artemis broker is asked
 * through its management address. (A JMS queue browser would miss messages held by a consumer or
 * waiting for their redelivery delay, which is exactly what an administrator asks about.)
 */
public final class QueueStatistics {

    private final RelayBroker broker;
    private final QueueAdmin external;

    public QueueStatistics(RelayBroker broker) {
        this.broker = broker;
        this.external = new QueueAdmin(broker.connectionFactory(), broker.deliveryQueue(), broker.holdQueue());
    }

    /** Messages in the delivery queue, including those being delivered or waiting to retry; empty when unknown now. */
    public OptionalLong depth() {
        return attribute("messageCount");
    }

    /** Messages waiting for their redelivery delay; empty when the broker cannot be asked now. */
    public OptionalLong inRetry() {
        return attribute("scheduledCount");
    }

    private OptionalLong attribute(String name) {
        try {
            if (broker.embeddedBroker().isPresent()) {
                Queue queue = broker.embeddedBroker().get().server().locateQueue(broker.deliveryQueue());
                if (queue == null) {
                    return OptionalLong.empty();
                }
                return OptionalLong.of(name.equals("messageCount") ? queue.getMessageCount() : queue.getScheduledCount());
            }
            return OptionalLong.of(external.attribute(broker.deliveryQueue(), name));
        } catch (Exception e) {
            return OptionalLong.empty();
        }
    }
}
