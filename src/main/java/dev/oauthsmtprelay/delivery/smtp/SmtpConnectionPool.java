package dev.oauthsmtprelay.delivery.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.camel.support.service.ServiceSupport;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;

/**
 * Authenticated hub connections kept per sender mailbox, so consecutive messages of a mailbox skip
 * the TCP, STARTTLS and XOAUTH2 round trips. At most {@code maxPerMailbox} connections per mailbox
 * are open at once (a delivery waits for a free one). A connection goes back to the pool only after
 * a message was sent on it without any failure; it is closed instead when it carried
 * {@code maxMessagesPerConnection} messages. An idle connection is not reused after
 * {@code idleTimeout} or when its token expires within {@code tokenMargin}.
 *
 * <p>No RSET between messages: a transaction ends with the hub's reply to the message data, and
 * Angus Mail starts the next one with MAIL FROM (it sends RSET itself only after refused
 * recipients, and such a connection is discarded here anyway).
 *
 * <p>One pool serves one hub (one {@link SmtpClient}). Works unstarted; as a Camel service it also
 * closes idle connections in the background while started and all of them when stopped.
 */
public final class SmtpConnectionPool extends ServiceSupport {

    /** Opens and logs in a new connection for a mailbox. */
    @FunctionalInterface
    interface Opener {
        SmtpConnection open(String mailbox) throws DeliveryFailure;
    }

    private final SmtpPoolSettings settings;
    private final Clock clock;
    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private volatile boolean retaining = true;
    private ScheduledExecutorService sweeper;

    public SmtpConnectionPool(SmtpPoolSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public SmtpPoolSettings settings() {
        return settings;
    }

    /** An idle connection of the mailbox that is still fit for use, or a new one. */
    SmtpConnection borrow(String mailbox, Opener opener) throws DeliveryFailure {
        return take(mailbox, opener, true);
    }

    /** Always a new connection, e.g. after a pooled one turned out to be closed by the hub. */
    SmtpConnection borrowNew(String mailbox, Opener opener) throws DeliveryFailure {
        return take(mailbox, opener, false);
    }

    /** The message went out without any failure: keep the connection for the next one, if it may be kept. */
    void release(SmtpConnection connection) {
        Mailbox slot = slot(connection.mailbox());
        connection.sent(clock.instant());
        boolean kept = false;
        if (retaining && connection.messages() < settings.maxMessagesPerConnection()) {
            synchronized (slot) {
                slot.idle.push(connection);
                kept = true;
            }
        }
        slot.permits.release();
        if (!kept) {
            connection.close();
        }
    }

    /** Something went wrong on the connection: close it, never hand it out again. */
    void discard(SmtpConnection connection) {
        connection.close();
        slot(connection.mailbox()).permits.release();
    }

    /** Closes idle connections that may not be reused any more (idle too long, token about to expire). */
    public void closeExpired() {
        Instant now = clock.instant();
        List<SmtpConnection> expired = new ArrayList<>();
        for (Mailbox slot : mailboxes.values()) {
            synchronized (slot) {
                for (Iterator<SmtpConnection> it = slot.idle.iterator(); it.hasNext(); ) {
                    SmtpConnection connection = it.next();
                    if (!reusable(connection, now)) {
                        it.remove();
                        expired.add(connection);
                    }
                }
            }
        }
        expired.forEach(SmtpConnection::close);
    }

    /** Idle connections kept right now (all mailboxes). */
    public int idleCount() {
        int count = 0;
        for (Mailbox slot : mailboxes.values()) {
            synchronized (slot) {
                count += slot.idle.size();
            }
        }
        return count;
    }

    /** Closes every idle connection; connections in use are closed when they come back. */
    public void closeIdle() {
        List<SmtpConnection> idle = new ArrayList<>();
        for (Mailbox slot : mailboxes.values()) {
            synchronized (slot) {
                idle.addAll(slot.idle);
                slot.idle.clear();
            }
        }
        idle.forEach(SmtpConnection::close);
    }

    private SmtpConnection take(String mailbox, Opener opener, boolean mayReuse) throws DeliveryFailure {
        Mailbox slot = slot(mailbox);
        acquire(slot, mailbox);
        try {
            if (mayReuse) {
                SmtpConnection reusable = pollReusable(slot);
                if (reusable != null) {
                    reusable.borrowedFromPool();
                    return reusable;
                }
            }
            return opener.open(mailbox);
        } catch (DeliveryFailure | RuntimeException | Error e) {
            slot.permits.release();
            throw e;
        }
    }

    private SmtpConnection pollReusable(Mailbox slot) {
        Instant now = clock.instant();
        List<SmtpConnection> stale = new ArrayList<>();
        SmtpConnection found = null;
        synchronized (slot) {
            while (found == null && !slot.idle.isEmpty()) {
                SmtpConnection candidate = slot.idle.pop();
                if (reusable(candidate, now)) {
                    found = candidate;
                } else {
                    stale.add(candidate);
                }
            }
        }
        stale.forEach(SmtpConnection::close);
        return found;
    }

    private boolean reusable(SmtpConnection connection, Instant now) {
        return Duration.between(connection.lastUsed(), now).compareTo(settings.idleTimeout()) < 0
                && connection.token().usableAt(now, settings.tokenMargin());
    }

    private void acquire(Mailbox slot, String mailbox) throws DeliveryFailure {
        try {
            if (slot.permits.tryAcquire(settings.acquireTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Interrupted while waiting for a hub connection for "
                    + mailbox + " (the relay is stopping).", null, e);
        }
        throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "All " + settings.maxPerMailbox() + " hub connections for "
                + mailbox + " stayed busy for " + settings.acquireTimeout().toSeconds() + " s. The hub answers slowly; "
                + "if it allows more sessions per mailbox, raise " + RelayKeys.SMTP_POOL_MAX_PER_MAILBOX + ".",
                null, null);
    }

    private Mailbox slot(String mailbox) {
        return mailboxes.computeIfAbsent(mailbox.toLowerCase(Locale.ROOT), k -> new Mailbox(settings.maxPerMailbox()));
    }

    @Override
    protected void doStart() {
        retaining = true;
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "relay-smtp-pool-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1000, settings.idleTimeout().toMillis() / 2);
        sweeper.scheduleWithFixedDelay(this::closeExpired, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        retaining = false;
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        closeIdle();
    }

    private static final class Mailbox {
        final Semaphore permits;
        /** Most recently used first, so surplus connections age out. Guarded by this. */
        final Deque<SmtpConnection> idle = new ArrayDeque<>();

        Mailbox(int maxOpen) {
            this.permits = new Semaphore(maxOpen, true);
        }
    }
}
