package dev.oauthsmtprelay.intake.spool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the spool consumer's poll thread. Reads have their own deadline ({@link SpoolFileReads}), but the poll
 * itself lists the directory and waits for each file's read lock, and a stalled network share or a file that never
 * stops changing could hold it: then no file at all is taken. A poll running longer than {@code relay.spool.read-timeout}
 * is told once, with where the thread waits, and once more when it returns; health and metrics show it meanwhile.
 */
public final class SpoolPollWatch extends ServiceSupport {

    public static final String BEAN = "relaySpoolPollWatch";
    private static final Logger LOG = LoggerFactory.getLogger("dev.oauthsmtprelay.intake.spool");
    private static final int FRAMES_SHOWN = 4;

    private record Poll(Thread thread, Instant started) {
    }

    private final Duration threshold;
    private final Clock clock;
    private volatile Poll running;
    private volatile Poll reported;
    private ScheduledExecutorService watchdog;

    public SpoolPollWatch(Duration threshold, Clock clock) {
        this.threshold = threshold;
        this.clock = clock;
    }

    void pollStarted() {
        running = new Poll(Thread.currentThread(), clock.instant());
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
        long period = Math.max(100, Math.min(1000, threshold.toMillis() / 4));
        watchdog.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
    }
}
