package dev.oauthsmtprelay.queue;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;

/**
 * A JMS consumer that can give back the message the broker sent it ahead of time, and opens a new broker consumer on
 * its next receive.
 *
 * <p>A delivery consumer with a window of one message ({@link BrokerConnectionFactories#forDelivery}) holds the next
 * message while the current one is delivered. Artemis treats that held message like the current one when the
 * session rolls back: it goes back to the queue with the redelivery delay (30 s by default), although it was never
 * tried. Closing the broker consumer first hands it back at once: the close acknowledges, inside the session's
 * transaction, what was received, and returns only what was held ahead, without a delay and without counting an
 * attempt. The rollback then applies the delay to the failed message alone.
 */
final class ReopenableConsumer implements MessageConsumer {

    /** Opens a broker consumer; called on the thread that uses the session. */
    interface Opener {
        MessageConsumer open() throws JMSException;
    }

    private final Opener opener;
    private final Runnable onClose;
    private MessageConsumer current;
    private boolean closed;

    ReopenableConsumer(Opener opener, Runnable onClose) throws JMSException {
        this.opener = opener;
        this.onClose = onClose;
        this.current = opener.open();
    }

    /**
     * Closes the broker consumer, which hands back a message it holds ahead; the next receive opens a new one. Call it
     * on the thread that uses the session, or while that thread waits in {@link #receive(long)}, which then returns
     * {@code null}.
     */
    void giveBack() throws JMSException {
        MessageConsumer held;
        synchronized (this) {
            held = current;
            current = null;
        }
        if (held != null) {
            held.close();
        }
    }

    private synchronized MessageConsumer current() throws JMSException {
        if (closed) {
            throw new IllegalStateException("the consumer is closed");
        }
        if (current == null) {
            current = opener.open();
        }
        return current;
    }

    @Override
    public Message receive(long timeout) throws JMSException {
        return current().receive(timeout);
    }

    @Override
    public Message receive() throws JMSException {
        return current().receive();
    }

    @Override
    public Message receiveNoWait() throws JMSException {
        return current().receiveNoWait();
    }

    @Override
    public String getMessageSelector() throws JMSException {
        return current().getMessageSelector();
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        return current().getMessageListener();
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        throw new IllegalStateException("the relay's listener containers receive; they set no message listener");
    }

    @Override
    public void close() throws JMSException {
        MessageConsumer open;
        synchronized (this) {
            closed = true;
            open = current;
            current = null;
        }
        onClose.run();
        if (open != null) {
            open.close();
        }
    }
}
