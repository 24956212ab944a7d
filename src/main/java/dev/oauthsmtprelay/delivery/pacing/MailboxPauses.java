package dev.oauthsmtprelay.delivery.pacing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryProbe;
import dev.oauthsmtprelay.message.DeliveryAttempt;

/**
 * Sender mailboxes paused for a cause that concerns them alone (their own login refused, SMTP AUTH off for the
 * mailbox, not a user of the domain). Their mail waits in the queue as scheduled messages while the other mailboxes'
 * mail goes on. Every {@code relay.delivery.probe-interval} the transport's probe logs in as each paused mailbox, and
 * a pause ends as soon as its probe passes. Held mail is looked at again after as long as the mailbox has been paused
 * (at least one probe interval, at most {@value #MAX_HOLD_MINUTES} minutes), so a long pause does not rewrite a large
 * backlog every few seconds. A message older than
 * {@code relay.delivery.max-age} is let through once more, so it becomes a dead letter if the mailbox still fails.
 * With several accounts, a cause that concerns an account (its credentials refused, its hub unreachable) holds the
 * mail of every mailbox that account serves in the same way, and the probe logs in as the mailbox that failed.
 */
public final class MailboxPauses extends ServiceSupport {

    /** A paused mailbox: the cause (the text logged when it paused, updated by failing probes) and since when. */
    public record Pause(String mailbox, String cause, Instant since) {
    }

    /**
     * A paused account (one of several credentials files): every mailbox it serves waits. {@code mailbox} is the one
     * whose delivery failed, and the probe logs in as it.
     */
    public record AccountPause(String account, String mailbox, String cause, Instant since) {
    }

    public static final String BEAN = "relayMailboxPauses";

    private static final Logger LOG = LoggerFactory.getLogger(MailboxPauses.class);
    static final int MAX_HOLD_MINUTES = 5;
    private static final Duration MAX_HOLD = Duration.ofMinutes(MAX_HOLD_MINUTES);

    private final Map<String, Pause> paused = new ConcurrentHashMap<>();
    private final Map<String, AccountPause> pausedAccounts = new ConcurrentHashMap<>();
    private final DeliveryProbe probe;
    private final Function<String, String> accountOf;
    private final Duration probeInterval;
    private final Duration maxAge;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    public MailboxPauses(DeliveryProbe probe, Duration probeInterval, Duration maxAge, Clock clock) {
        this(probe, mailbox -> null, probeInterval, maxAge, clock);
    }

    /** @param accountOf the account that sends as a mailbox, null when the relay has one account */
    public MailboxPauses(DeliveryProbe probe, Function<String, String> accountOf, Duration probeInterval,
                         Duration maxAge, Clock clock) {
        this.probe = probe;
        this.accountOf = accountOf;
        this.probeInterval = probeInterval;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** Pauses the mailbox of this exchange's failed delivery attempt (route step of the delivery error handling). */
    public void pause(Exchange exchange) {
        pause(DeliveryAttempt.mailbox(exchange), exchange.getProperty(DeliveryAttempt.FAILURE_REASON, String.class));
    }

    public void pause(String mailbox, String cause) {
        String key = mailbox.toLowerCase(Locale.ROOT);
        Pause pause = new Pause(key, cause, clock.instant());
        if (paused.putIfAbsent(key, pause) == null) {
            LOG.error("Delivery paused for mailbox {}, its messages stay queued: {} Mail from other mailboxes goes on; "
                    + "the relay logs in as {} every {} and resumes by itself.", key, cause, key, human(probeInterval));
        }
    }

    /** Pauses the account of this exchange's failed attempt: its credentials or its hub are at fault. */
    public void pauseAccount(Exchange exchange) {
        pauseAccount(DeliveryAttempt.account(exchange), DeliveryAttempt.mailbox(exchange),
                exchange.getProperty(DeliveryAttempt.FAILURE_REASON, String.class));
    }

    public void pauseAccount(String account, String mailbox, String cause) {
        AccountPause pause = new AccountPause(account, mailbox.toLowerCase(Locale.ROOT), cause, clock.instant());
        if (pausedAccounts.putIfAbsent(account, pause) == null) {
            LOG.error("Delivery paused for account {}, the mail of all its mailboxes stays queued: {} The other "
                    + "accounts deliver; the relay logs in as {} every {} and resumes by itself.", account, cause,
                    pause.mailbox(), human(probeInterval));
        }
    }

    public boolean isEmpty() {
        return paused.isEmpty() && pausedAccounts.isEmpty();
    }

    /**
     * When a message of this mailbox, queued at {@code queuedAt}, is looked at again while the mailbox is paused;
     * empty when it is not paused, or the message is too old to wait any longer.
     */
    public Optional<Instant> heldUntil(String mailbox, Instant queuedAt) {
        Instant since = pausedSince(mailbox.toLowerCase(Locale.ROOT));
        if (since == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (queuedAt != null && Duration.between(queuedAt, now).compareTo(maxAge) >= 0) {
            return Optional.empty();
        }
        Duration pausedFor = Duration.between(since, now);
        Duration upToMax = pausedFor.compareTo(MAX_HOLD) > 0 ? MAX_HOLD : pausedFor;
        Duration hold = upToMax.compareTo(probeInterval) < 0 ? probeInterval : upToMax;
        return Optional.of(now.plus(hold));
    }

    private Instant pausedSince(String mailbox) {
        Pause pause = paused.isEmpty() ? null : paused.get(mailbox);
        if (pause != null) {
            return pause.since();
        }
        if (pausedAccounts.isEmpty()) {
            return null;
        }
        String account = accountOf.apply(mailbox);
        AccountPause accountPause = account == null ? null : pausedAccounts.get(account);
        return accountPause == null ? null : accountPause.since();
    }

    /** The paused accounts, longest paused first. */
    public List<AccountPause> pausedAccounts() {
        List<AccountPause> list = new ArrayList<>(pausedAccounts.values());
        list.sort(Comparator.comparing(AccountPause::since).thenComparing(AccountPause::account));
        return list;
    }

    /** The paused mailboxes, longest paused first. */
    public List<Pause> paused() {
        List<Pause> list = new ArrayList<>(paused.values());
        list.sort(Comparator.comparing(Pause::since).thenComparing(Pause::mailbox));
        return list;
    }

    void probeAll() {
        for (Pause pause : paused()) {
            try {
                String answer = probe.probe(pause.mailbox());
                paused.remove(pause.mailbox());
                LOG.info("Delivery resumed for mailbox {}: the provider took its login again ({}). It was paused "
                        + "since {}.", pause.mailbox(), answer == null ? "" : answer.trim(), pause.since());
            } catch (DeliveryFailure failure) {
                String cause = failure.getMessage();
                if (!cause.equals(pause.cause())) {
                    paused.replace(pause.mailbox(), pause, new Pause(pause.mailbox(), cause, pause.since()));
                    LOG.error("Delivery still paused for mailbox {}: {}", pause.mailbox(), cause);
                }
            } catch (RuntimeException e) {
                LOG.warn("The probe of the paused mailbox {} failed: {}", pause.mailbox(), e.toString());
            }
        }
        for (AccountPause pause : pausedAccounts()) {
            try {
                String answer = probe.probe(pause.mailbox());
                pausedAccounts.remove(pause.account());
                LOG.info("Delivery resumed for account {}: the provider took the login of {} again ({}). It was "
                        + "paused since {}.", pause.account(), pause.mailbox(), answer == null ? "" : answer.trim(),
                        pause.since());
            } catch (DeliveryFailure failure) {
                String cause = failure.getMessage();
                if (!cause.equals(pause.cause())) {
                    pausedAccounts.replace(pause.account(), pause,
                            new AccountPause(pause.account(), pause.mailbox(), cause, pause.since()));
                    LOG.error("Delivery still paused for account {}: {}", pause.account(), cause);
                }
            } catch (RuntimeException e) {
                LOG.warn("The probe of the paused account {} failed: {}", pause.account(), e.toString());
            }
        }
    }

    private static String human(Duration duration) {
        return duration.toMillis() < 1000 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }

    @Override
    protected void doStart() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "relay-mailbox-probe");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::probeAll, probeInterval.toMillis(), probeInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
