package dev.oauthsmtprelay.intake.spool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the spool consumer's poll thread. Reads have their own deadline ({@link SpoolFileReads}), but the poll
 * itself lists the directory and waits for each file's read lock, and a stalled network share or a file that never
 * stops changing could hold it: then no file at all is taken. A poll running longer than {@code relay.spool.read-timeout}
 * is told once, with where the thread waits, and once more when it returns; health and metrics show it meanwhile.
 * The watchdog wakes only when a poll that started could be over the threshold, not on a fixed beat: an idle relay's
 * timers are what its CPU goes to.
 */
public final class SpoolPollWatch extends ServiceSupport {

    public static final String BEAN = "relaySpoolPollWatch";
    private static final Logger LOG = LoggerFactory.getLogger("dev.oauthsmtprelay.intake.spool");
    private static final int FRAMES_SHOWN = 4;
    private static final long MIN_CHECK_DELAY_MS = 100;

    private record Poll(Thread thread, Instant started) {
    }

    private final Duration threshold;
    private final Clock clock;
    private volatile Poll running;
    private volatile Poll reported;
    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    private volatile ScheduledExecutorService watchdog;

    public SpoolPollWatch(Duration threshold, Clock clock) {
        this.threshold = threshold;
        this.clock = clock;
    }

    void pollStarted() {
        running = new Poll(Thread.currentThread(), clock.instant());
        scheduleCheck(threshold);
    }

    void pollEnded() {
        Poll poll = running;
        running = null;
        if (poll != null && poll == reported) {
            reported = null;
            LOG.info("The spool poll returned after {} s; spool files are taken again.",
                    Duration.between(poll.started(), clock.instant()).toSeconds());
        }
    }

    /** Since when the current poll has been running, when that is longer than the threshold. */
    public Optional<Instant> stuckSince() {
        Poll poll = running;
        return poll != null && Duration.between(poll.started(), clock.instant()).compareTo(threshold) > 0
                ? Optional.of(poll.started()) : Optional.empty();
    }

    /** How long the current poll has been running past its threshold; 0 while polls return in time. */
    public double stuckSeconds() {
        return stuckSince().map(since -> (double) Duration.between(since, clock.instant()).toSeconds()).orElse(0.0);
    }

    void check() {
        Poll poll = running;
        if (poll == null || poll == reported || stuckSince().isEmpty()) {
            return;
        }
        reported = poll;
        LOG.warn("The spool poll has been running for {} s (since {}, over relay.spool.read-timeout={}): no spool "
                + "file is taken until it returns; the files stay in the spool. It waits in {}. A stalled network "
                + "share (NFS, SMB) under the spool or a file that is never complete is the usual cause; check the "
                + "mount and the writers.", Duration.between(poll.started(), clock.instant()).toSeconds(),
                poll.started(), human(threshold), where(poll.thread()));
    }

    /** At most one check is scheduled at a time, however many polls start meanwhile. */
    private void scheduleCheck(Duration delay) {
        ScheduledExecutorService executor = watchdog;
        if (executor != null && checkScheduled.compareAndSet(false, true)) {
            try {
                executor.schedule(this::scheduledCheck, Math.max(MIN_CHECK_DELAY_MS, delay.toMillis()),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                checkScheduled.set(false);
            }
        }
    }

    private void scheduledCheck() {
        checkScheduled.set(false);
        check();
        Poll poll = running; // read after the flag is down: a poll that started meanwhile is seen here or schedules
        if (poll != null && poll != reported) {
            scheduleCheck(Duration.between(clock.instant(), poll.started().plus(threshold)));
        }
    }

    private static String where(Thread thread) {
        return Arrays.stream(thread.getStackTrace()).limit(FRAMES_SHOWN)
                .map(frame -> frame.getClassName() + "." + frame.getMethodName())
                .collect(Collectors.joining(" < "));
    }

    private static String human(Duration duration) {
        return duration.toMillis() < 1000 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }

    @Override
    protected void doStart() {
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "relay-spool-poll-watch");
            thread.setDaemon(true);
            return thread;
        });
        if (running != null) {
            scheduleCheck(threshold);
        }
    }

    @Override
    protected void doStop() {
        ScheduledExecutorService executor = watchdog;
        watchdog = null;
        if (executor != null) {
            executor.shutdownNow();
        }
        checkScheduled.set(false);
    }
}
