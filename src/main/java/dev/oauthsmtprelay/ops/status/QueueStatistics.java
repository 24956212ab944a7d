package dev.oauthsmtprelay.ops.status;

import java.util.OptionalLong;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.core.server.Queue;

import dev.oauthsmtprelay.queue.RelayBroker;

/**
 * How many messages wait in the delivery queue, and how many of them wait for a redelivery delay
 * after a failed attempt. The embedded broker answers directly; an external Artemis broker is asked
 * through its management address. (A JMS queue browser would miss messages held by a consumer or
 * waiting for their redelivery delay, which is exactly what an administrator asks about.)
 */
public final class QueueStatistics {

    private static final String MANAGEMENT_ADDRESS = "activemq.management";
    private static final long MANAGEMENT_TIMEOUT_MS = 5_000;

    private final RelayBroker broker;

    public QueueStatistics(RelayBroker broker) {
        this.broker = broker;
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
            return OptionalLong.of(askExternal(name));
        } catch (Exception e) {
            return OptionalLong.empty();
        }
    }

    private long askExternal(String attribute) throws Exception {
        try (Connection connection = broker.connectionFactory().createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            TemporaryQueue replies = session.createTemporaryQueue();
            try (MessageProducer producer = session.createProducer(session.createQueue(MANAGEMENT_ADDRESS));
                 MessageConsumer consumer = session.createConsumer(replies)) {
                Message request = session.createMessage();
                JMSManagementHelper.putAttribute(request, ResourceNames.QUEUE + broker.deliveryQueue(), attribute);
                request.setJMSReplyTo(replies);
                producer.send(request);
                Message reply = consumer.receive(MANAGEMENT_TIMEOUT_MS);
                if (reply == null || !JMSManagementHelper.hasOperationSucceeded(reply)) {
                    throw new JMSException("no management answer for " + attribute);
                }
                return ((Number) JMSManagementHelper.getResult(reply)).longValue();
            } finally {
                replies.delete();
            }
        }
    }
}
