package dev.oauthsmtprelay.queue;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * Artemis management operations over its management address, the one way that works alike for the embedded broker
 * and an external one (whose JMX the relay cannot assume to reach).
 */
final class BrokerManagement {

    private static final String MANAGEMENT_ADDRESS = "activemq.management";
    private static final long TIMEOUT_MS = 10_000;

    private final ConnectionFactory factory;

    BrokerManagement(ConnectionFactory factory) {
        this.factory = factory;
    }

    /** Invokes {@code operation} on the resource (e.g. {@code queue.relay.outbound}, {@code broker}); its result. */
    Object invoke(String resource, String operation, Object... parameters) throws JMSException {
        return ask(resource, operation, request -> JMSManagementHelper.putOperationInvocation(request, resource,
                operation, parameters));
    }

    /** Reads an attribute of the resource, e.g. {@code messageCount} of a queue. */
    Object attribute(String resource, String name) throws JMSException {
        return ask(resource, name, request -> JMSManagementHelper.putAttribute(request, resource, name));
    }

    private interface Request {
        void fill(Message request) throws Exception;
    }

    private Object ask(String resource, String operation, Request fill) throws JMSException {
        try (Connection connection = factory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            TemporaryQueue replies = session.createTemporaryQueue();
            try (MessageProducer producer = session.createProducer(session.createQueue(MANAGEMENT_ADDRESS));
                 MessageConsumer consumer = session.createConsumer(replies)) {
                Message request = session.createMessage();
                fill.fill(request);
                request.setJMSReplyTo(replies);
                producer.send(request);
                Message reply = consumer.receive(TIMEOUT_MS);
                if (reply == null) {
                    throw new JMSException("the broker did not answer the management request " + operation + " on "
                            + resource + " within " + TIMEOUT_MS / 1000 + " s");
                }
                if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                    throw new JMSException("the broker refused " + operation + " on " + resource + ": "
                            + JMSManagementHelper.getResult(reply));
                }
                return JMSManagementHelper.getResult(reply);
            } catch (Exception e) {
                if (e instanceof JMSException jms) {
                    throw jms;
                }
                JMSException wrapped = new JMSException(operation + " on " + resource + " failed: " + e.getMessage());
                wrapped.setLinkedException(e);
                throw wrapped;
            } finally {
                replies.delete();
            }
        }
    }
}
