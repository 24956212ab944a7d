package dev.oauthsmtprelay.queue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.camel.component.jms.DefaultJmsMessageListenerContainer;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-jms's listener container, except that shutting it down ends the receives that are waiting for a message
 * instead of waiting for them to time out, and that its consumers give back what the broker sent them ahead.
 *
 * <p>An idle consumer asks the broker for a message once per {@code receiveTimeout}, and each ask costs a few
 * milliseconds of CPU on both sides. A long timeout makes an idle relay nearly free, but Spring's container waits up
 * to one timeout for its waiting receives when it shuts down. Closing a waiting consumer makes its receive return
 * nothing at once (JMS allows {@code close} from any thread). The container is no longer running by then, so a
 * message that arrives in that instant is rolled back, not processed: nothing is lost or sent twice.
 *
 * <p>A consumer with a window above 0 (delivery's, {@link BrokerConnectionFactories#forDelivery}) holds the next
 * message while the current one is processed. It gives that message back to the queue before its session rolls
 * back, so that the redelivery delay of the failed message does not hold back one that was never tried
 * ({@link ReopenableConsumer}). When the container stops (a route suspended while delivery is paused), Spring closes
 * its consumers once none is busy, which gives back what they hold; a receive waiting for a message is ended at once
 * so that it does not keep its consumer busy until its timeout.
 */
public class PromptStopListenerContainer extends DefaultJmsMessageListenerContainer {

    private static final Logger LOG = LoggerFactory.getLogger(PromptStopListenerContainer.class);

    private final Set<MessageConsumer> waiting = ConcurrentHashMap.newKeySet();
    private final Map<Session, ReopenableConsumer> consumers = new ConcurrentHashMap<>();

    public PromptStopListenerContainer(JmsEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    protected MessageConsumer createConsumer(Session session, Destination destination) throws JMSException {
        ReopenableConsumer consumer = new ReopenableConsumer(() -> super.createConsumer(session, destination),
                () -> {
                    consumers.remove(session);
                    consumerClosing(session);
                });
        consumers.put(session, consumer);
        return consumer;
    }

    @Override
    protected Message receiveMessage(MessageConsumer consumer) throws JMSException {
        return receive(consumer, getReceiveTimeout());
    }

    /** A receive that a stopping container ends at once (class comment). */
    protected final Message receive(MessageConsumer consumer, long timeoutMillis) throws JMSException {
        waiting.add(consumer);
        try {
            return receiveFromConsumer(consumer, timeoutMillis);
        } finally {
            waiting.remove(consumer);
        }
    }

    @Override
    protected void rollbackIfNecessary(Session session) throws JMSException {
        giveBack(session);
        super.rollbackIfNecessary(session);
    }

    @Override
    protected void rollbackOnExceptionIfNecessary(Session session, Throwable ex) throws JMSException {
        giveBack(session);
        super.rollbackOnExceptionIfNecessary(session, ex);
    }

    @Override
    protected void doStop() throws JMSException {
        super.doStop();
        // Spring closes a stopped container's consumers, and with them what they hold ahead, once none of them is
        // busy; a waiting receive would keep it busy until its timeout.
        for (MessageConsumer consumer : waiting) {
            if (consumer instanceof ReopenableConsumer reopenable) {
                giveBack(reopenable);
            }
        }
    }

    @Override
    protected void doShutdown() throws JMSException {
        for (MessageConsumer consumer : waiting) {
            try {
                consumer.close();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("Closing a waiting consumer of {} failed; its receive ends at its timeout instead: {}",
                        getDestinationDescription(), e.toString());
            }
        }
        super.doShutdown();
    }

    /**
     * Called when the container closes the consumer of {@code session}, before the broker consumer is closed: on the
     * thread that used the session, or, for a consumer that waits in a receive or is paused, while it does not use it.
     */
    protected void consumerClosing(Session session) {
    }

    /** Hands back the message the consumer of {@code session} holds ahead; see {@link ReopenableConsumer#giveBack}. */
    protected final void giveBack(Session session) {
        ReopenableConsumer consumer = consumers.get(session);
        if (consumer != null) {
            giveBack(consumer);
        }
    }

    private void giveBack(ReopenableConsumer consumer) {
        try {
            consumer.giveBack();
        } catch (JMSException | RuntimeException e) {
            // The session's rollback or close returns the message all the same, only with the redelivery delay.
            LOG.debug("Closing a consumer of {} to give back the message it holds ahead failed: {}",
                    getDestinationDescription(), e.toString());
        }
    }

    /** Waiting receives right now; for tests. */
    int waitingReceives() {
        return waiting.size();
    }
}
