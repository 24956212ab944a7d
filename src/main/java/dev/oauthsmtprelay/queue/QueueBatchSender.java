package dev.oauthsmtprelay.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts messages on one queue in shared broker transactions (group commit). Callers hand a message over and wait;
 * one thread sends everything that is waiting, up to {@code maxBatch} messages, in one transacted session and
 * commits once, so the broker writes one commit record and syncs its journal once for the lot, and answers once.
 *
 * <p>{@link #send} returns only after the commit that holds its message, so what the caller does next (delete the
 * spool file, answer {@code 250}) happens only once the message is durable. When a batch fails, every caller in it
 * gets the error and keeps its message; a commit whose outcome is unknown (the connection died during it) can
 * therefore give duplicates, at most one batch, never a loss. A batch of several that fails is sent again one
 * message at a time, so one message the broker refuses does not fail the others with it.
 */
public final class QueueBatchSender extends ServiceSupport {

    /** Builds the JMS message to send from the session it is sent on; called on the sender's thread. */
    @FunctionalInterface
    public interface MessageBuilder {
        Message build(Session session) throws JMSException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(QueueBatchSender.class);
    private static final Pending STOP = new Pending(null, null);

    private record Pending(MessageBuilder builder, CompletableFuture<Void> done) {
    }

    private final ConnectionFactory factory;
    private final String queue;
    private final int maxBatch;
    private final LinkedBlockingQueue<Pending> waiting = new LinkedBlockingQueue<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean stopping;

    // used on the sender's thread only
    private Connection connection;
    private Session session;
    private MessageProducer producer;
    // set by the connection's exception listener, read on the sender's thread
    private volatile boolean connectionFailed;

    public QueueBatchSender(ConnectionFactory factory, String queue, int maxBatch) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.queue = Objects.requireNonNull(queue, "queue");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
        }
        this.maxBatch = maxBatch;
    }

    /**
     * Sends the message {@code builder} makes and returns once the broker committed it to its journal.
     *
     * @throws JMSException the broker did not take it (the message was not queued, or its outcome is unknown)
     * @throws InterruptedException the caller was interrupted while waiting; the message may still be queued
     */
    public void send(MessageBuilder builder) throws JMSException, InterruptedException {
        Pending pending = new Pending(Objects.requireNonNull(builder, "builder"), new CompletableFuture<>());
        if (stopping || thread == null) {
            throw notRunning();
        }
        waiting.add(pending);
        if (stopping && waiting.remove(pending)) {
            throw notRunning();
        }
        try {
            pending.done().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JMSException jms) {
                throw jms;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Commits so far, and the messages they held: their ratio is the average batch. */
    public long batches() {
        return batches.get();
    }

    public long messages() {
        return messages.get();
    }

    /** Messages handed over and not yet taken into a batch. */
    public int waiting() {
        return waiting.size();
    }

    @Override
    protected void doStart() {
        stopping = false;
        Thread sender = new Thread(this::run, "relay-queue-sender");
        sender.setDaemon(true);
        thread = sender;
        sender.start();
    }

    /** Sends what is already waiting, then stops; a message handed over later is refused. */
    @Override
    protected void doStop() throws InterruptedException {
        stopping = true;
        Thread sender = thread;
        if (sender != null) {
            waiting.add(STOP);
            sender.join(30_000);
            thread = null;
        }
        List<Pending> left = new ArrayList<>();
        waiting.drainTo(left);
        for (Pending pending : left) {
            if (pending != STOP) {
                pending.done().completeExceptionally(notRunning());
            }
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        try {
            while (true) {
                batch.add(waiting.take());
                waiting.drainTo(batch, maxBatch - 1);
                boolean stop = batch.remove(STOP);
                if (!batch.isEmpty()) {
                    sendBatch(batch);
                }
                batch.clear();
                if (stop) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Pending pending : batch) {
                pending.done().completeExceptionally(notRunning());
            }
            closeQuietly();
        }
    }

    private void sendBatch(List<Pending> batch) {
        try {
            commit(batch);
        } catch (JMSException | RuntimeException e) {
            closeQuietly();
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(e);
                return;
            }
            LOG.debug("A batch of {} messages for {} failed ({}); sending them one at a time", batch.size(), queue,
                    e.toString());
            sendOneByOne(batch);
        }
    }

    /**
     * After a failed batch: each message in its own transaction, so a message the broker refuses fails alone. When
     * the broker cannot be reached at all, the rest fail with that error at once instead of one connection attempt
     * each.
     */
    private void sendOneByOne(List<Pending> batch) {
        for (Pending pending : batch) {
            if (pending.done().isDone()) {
                continue; // its builder failed: it has its own error
            }
            try {
                ensureOpen();
            } catch (JMSException | RuntimeException e) {
                batch.forEach(p -> p.done().completeExceptionally(e));
                return;
            }
            try {
                commit(List.of(pending));
            } catch (JMSException | RuntimeException e) {
                closeQuietly();
                pending.done().completeExceptionally(e);
            }
        }
    }

    private void commit(List<Pending> batch) throws JMSException {
        ensureOpen();
        List<Pending> sent = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            if (pending.done().isDone()) {
                continue;
            }
            Message message;
            try {
                message = pending.builder().build(session);
            } catch (JMSException | RuntimeException e) {
                pending.done().completeExceptionally(e); // this message only, the others still go
                continue;
            }
            producer.send(message);
            sent.add(pending);
        }
        if (sent.isEmpty()) {
            return;
        }
        try {
            session.commit();
        } catch (JMSException | RuntimeException e) {
            try {
                session.rollback();
            } catch (JMSException | RuntimeException ignored) {
                // the connection is gone; the broker drops the open transaction itself
            }
            throw e;
        }
        batches.incrementAndGet();
        messages.addAndGet(sent.size());
        for (Pending pending : sent) {
            pending.done().complete(null);
        }
    }

    private void ensureOpen() throws JMSException {
        if (connectionFailed) {
            closeQuietly();
        }
        if (session == null) {
            open();
        }
    }

    private void open() throws JMSException {
        connectionFailed = false;
        connection = factory.createConnection();
        try {
            connection.setExceptionListener(e -> connectionFailed = true);
            session = connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = session.createProducer(session.createQueue(queue));
        } catch (JMSException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private void closeQuietly() {
        Connection open = connection;
        connection = null;
        session = null;
        producer = null;
        if (open != null) {
            try {
                open.close();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("Closing the queue sender's broker connection: {}", e.toString());
            }
        }
    }

    private JMSException notRunning() {
        return new JMSException("The relay is stopping: the message was not put on " + queue
                + "; it stays with its sender (spool file, SMTP client) and is taken again after the restart.");
    }
}
