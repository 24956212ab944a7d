package dev.oauthsmtprelay.queue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSConstants;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery route's listener container: it takes a message off the queue for good only once it was delivered (or
 * became a dead letter), as a transacted session does, but confirms the delivered messages to the broker in batches
 * of up to {@code batchSize}, or {@code maxWait} after the first of a batch, whichever comes first. Each confirmation
 * is a journal write and its sync: with batches of 8, the relay spent about 8 thread switches and 0.17 ms of CPU less
 * per message than with 1 (bench/README.md, "Delivery acknowledged in batches").
 *
 * <p>A transacted JMS session cannot do this: every message it received is part of its transaction, so the rollback
 * of a failed message would take back those of its batch that the hub already accepted, and they would be sent twice.
 * The session here acknowledges each message on its own ({@link ActiveMQJMSConstants#INDIVIDUAL_ACKNOWLEDGE}, whose
 * acknowledgements the broker holds in the session's transaction until a commit). A message that failed is
 * acknowledged only after the commit of the messages before it, and the rollback that follows returns it alone, with
 * its redelivery delay and one more attempt counted, exactly as before. camel-jms still sees a transacted endpoint,
 * so that every failed exchange, handled or not, reaches the rollback.
 *
 * <p>What a crash can cost: the messages delivered since their batch's last commit are delivered again after the
 * restart, at most {@code batchSize} per consumer. Nothing is lost: a message leaves the queue only in a commit that
 * follows its delivery. A stopping container commits what it delivered, so a normal stop or a paused route sends
 * nothing twice.
 */
public class BatchAckListenerContainer extends PromptStopListenerContainer {

    private static final Logger LOG = LoggerFactory.getLogger(BatchAckListenerContainer.class);
    private static final ThreadLocal<Boolean> COMMIT_AT_ONCE = new ThreadLocal<>();

    private final int batchSize;
    private final long maxWaitNanos;
    private final Map<Session, Batch> batches = new ConcurrentHashMap<>();
    private final Map<MessageConsumer, Batch> batchOfConsumer = new ConcurrentHashMap<>();

    /**
     * @param batchSize delivered messages confirmed in one commit, at least 1
     * @param maxWait   how long the first delivered message of a batch may wait for its commit
     */
    public BatchAckListenerContainer(JmsEndpoint endpoint, int batchSize, Duration maxWait) {
        super(endpoint);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
        }
        this.batchSize = batchSize;
        this.maxWaitNanos = maxWait.toNanos();
        super.setSessionTransacted(false);
        super.setSessionAcknowledgeMode(ActiveMQJMSConstants.INDIVIDUAL_ACKNOWLEDGE);
    }

    /** camel-jms sets its endpoint's {@code transacted}; the sessions here commit by themselves (class comment). */
    @Override
    public void setSessionTransacted(boolean sessionTransacted) {
    }

    @Override
    public void setSessionAcknowledgeMode(int sessionAcknowledgeMode) {
    }

    @Override
    protected MessageConsumer createConsumer(Session session, Destination destination) throws JMSException {
        if (!(session instanceof ActiveMQSession artemis)) {
            throw new JMSException("The delivery queue needs an ActiveMQ Artemis broker (the embedded one, or"
                    + " relay.broker.url pointing at Artemis); this session is a " + session.getClass().getName());
        }
        MessageConsumer consumer = super.createConsumer(session, destination);
        Batch batch = batches.computeIfAbsent(session, s -> new Batch(artemis.getCoreSession()));
        batchOfConsumer.put(consumer, batch);
        return consumer;
    }

    /** See {@link CommitAtOnce}; on the thread that processes the message. */
    static void commitCurrentAtOnce() {
        COMMIT_AT_ONCE.set(Boolean.TRUE);
    }

    @Override
    protected Message receiveMessage(MessageConsumer consumer) throws JMSException {
        COMMIT_AT_ONCE.remove();
        Batch batch = batchOfConsumer.get(consumer);
        if (batch != null && batch.delivered > 0) {
            long left = batch.deadline - System.nanoTime();
            Message next = left > 0 ? receive(consumer, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))) : null;
            if (next != null) {
                batch.current = next;
                return next;
            }
            batch.commit();
            // Back to the container's loop, which waits no longer once it is stopping.
            return null;
        }
        Message message = super.receiveMessage(consumer);
        if (batch != null) {
            batch.current = message;
        }
        return message;
    }

    @Override
    protected void commitIfNecessary(Session session, Message message) throws JMSException {
        Batch batch = batches.get(session);
        if (batch == null || message == null) {
            return;
        }
        batch.delivered(message);
        boolean atOnce = Boolean.TRUE.equals(COMMIT_AT_ONCE.get());
        COMMIT_AT_ONCE.remove();
        if (atOnce || batch.delivered >= batchSize || !isRunning()) {
            batch.commit();
        }
    }

    @Override
    protected void rollbackOnExceptionIfNecessary(Session session, Throwable ex) throws JMSException {
        takeBackCurrent(session, true);
    }

    @Override
    protected void rollbackIfNecessary(Session session) throws JMSException {
        // A message refused while stopping was not tried: given back unacknowledged, it keeps its attempts.
        takeBackCurrent(session, false);
    }

    private void takeBackCurrent(Session session, boolean countAttempt) throws JMSException {
        Batch batch = batches.get(session);
        if (batch == null) {
            giveBack(session);
            return;
        }
        batch.commit();
        if (countAttempt && batch.current != null) {
            // Acknowledged in the open transaction, the failed message stays with the session while the consumer is
            // closed to give back the one held ahead; the rollback then returns it with its redelivery delay.
            batch.acknowledge(batch.current);
        }
        batch.current = null;
        giveBack(session);
        batch.rollback();
    }

    @Override
    protected void consumerClosing(Session session) {
        Batch batch = batches.remove(session);
        if (batch == null) {
            return;
        }
        batchOfConsumer.values().remove(batch);
        try {
            batch.commit();
        } catch (JMSException e) {
            // Logged by commit(); the session's close rolls back, and the broker delivers those messages again.
        }
    }

    /**
     * Delivered messages of one session that wait for their commit; used by that session's thread, and by a closing
     * container only while that thread does not use the session ({@link #consumerClosing}).
     */
    private final class Batch {
        private final ClientSession core;
        private volatile int delivered;
        private long deadline;
        private Message current;

        Batch(ClientSession core) {
            this.core = core;
        }

        void delivered(Message message) throws JMSException {
            acknowledge(message);
            if (delivered++ == 0) {
                deadline = System.nanoTime() + maxWaitNanos;
            }
            current = null;
        }

        void acknowledge(Message message) throws JMSException {
            try {
                ((ActiveMQMessage) message).getCoreMessage().acknowledge();
            } catch (ActiveMQException e) {
                throw jmsException("acknowledge a delivered message", e);
            }
        }

        void commit() throws JMSException {
            if (delivered == 0) {
                return;
            }
            int count = delivered;
            delivered = 0;
            try {
                core.commit();
            } catch (ActiveMQException e) {
                LOG.warn("The broker did not confirm the removal of {} delivered message(s) from {} ({}); it delivers"
                        + " them again, so their recipients may get them twice.", count, getDestinationDescription(),
                        e.getMessage());
                throw jmsException("commit delivered messages", e);
            }
        }

        void rollback() throws JMSException {
            try {
                core.rollback();
            } catch (ActiveMQException e) {
                throw jmsException("return a failed message to the queue", e);
            }
        }

        private JMSException jmsException(String what, ActiveMQException cause) {
            JMSException failure = new JMSException("could not " + what + ": " + cause.getMessage());
            failure.initCause(cause);
            failure.setLinkedException(cause);
            return failure;
        }
    }
}
