package dev.oauthsmtprelay.queue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the embedded broker again after Artemis stopped it on a critical I/O error on its journal (a full or
 * read-only disk, a failed write). Artemis stops itself then and never starts again, so without this the relay would
 * need a restart.
 *
 * <p>One recovery per failure: every {@code checkEvery} it looks whether Artemis has finished stopping and whether
 * {@link BrokerDirectoryProbe} finds room and a writable directory; then the broker is started again on the same
 * in-VM URL, and the relay's consumers and producers reconnect by themselves. Until then nothing is lost: the journal
 * keeps what it confirmed, spool files stay in the spool, the listener answers 4xx, the JMS intake waits.
 *
 * <p>It gives up, and tells {@code giveUp} (a relay run as a process exits 3 for its service manager), when the
 * broker cannot start or when it fails again within {@link #STABLE_AFTER} of a restart: a journal that fails as soon
 * as it runs is not a full disk, and a fresh process is the better next step.
 */
final class JournalFailureRecovery {

    /** A broker that fails again sooner than this after being started again is not started a third time. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final EmbeddedBroker broker;
    private final BrokerDirectoryProbe probe;
    private final Duration checkEvery;
    private final Consumer<String> giveUp;
    private final long failedAt = System.nanoTime();
    private final ScheduledExecutorService timer;
    private volatile boolean cancelled;
    private boolean obstacleTold;
    private boolean clientsTold;

    JournalFailureRecovery(EmbeddedBroker broker, BrokerDirectoryProbe probe, Duration checkEvery,
                           Consumer<String> giveUp) {
        this.broker = broker;
        this.probe = probe;
        this.checkEvery = checkEvery;
        this.giveUp = giveUp;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "relay-broker-recovery");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts waiting for the broker to stop and the disk to allow a start; {@code reason} is the failure, logged once.
     *
     * @param sinceLastRestart how long the broker ran since the previous recovery started it, empty if none did
     */
    void begin(String reason, Optional<Duration> sinceLastRestart) {
        if (sinceLastRestart.isPresent() && sinceLastRestart.get().compareTo(STABLE_AFTER) < 0) {
            String why = reason + ". It failed again " + sinceLastRestart.get().toSeconds() + " s after the relay had "
                    + "started it again, so it is not started a third time: check the disk of relay.data.dir "
                    + "(failing, read-only, full) and start the relay again; queued messages are in the journal and "
                    + "are kept.";
            timer.shutdown();
            giveUp.accept(why);
            return;
        }
        LOG.warn("{}. The relay starts it again by itself once relay.data.dir has room for a journal file and can be "
                + "written (checked every {} ms); queued messages are kept in the journal. Meanwhile spool files "
                + "wait in the spool, the SMTP listener answers 4xx and the JMS intake leaves its messages on the "
                + "intake broker. Check the disk of relay.data.dir (full, read-only, failing).",
                reason, checkEvery.toMillis());
        timer.scheduleWithFixedDelay(this::check, checkEvery.toMillis(), checkEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The relay is stopping the broker itself: no restart after that (a start under way is not interrupted). */
    void cancel() {
        cancelled = true;
        timer.shutdown();
    }

    private void check() {
        if (cancelled || !broker.artemisStopped()) {
            return;
        }
        if (!clientsTold) {
            broker.stoppedByFailure();
            clientsTold = true;
        }
        Optional<String> obstacle = probe.obstacle();
        if (obstacle.isPresent()) {
            // once: the text names the free megabytes, which change from one check to the next
            if (!obstacleTold) {
                LOG.info("The embedded broker stays stopped: {}", obstacle.get());
                obstacleTold = true;
            }
            return;
        }
        timer.shutdown();
        long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failedAt);
        try {
            if (broker.restartAfterFailure(this)) {
                LOG.info("The embedded broker in {} runs again, {} ms after it stopped (restart {} since the relay "
                        + "started); the waiting spool files, listener clients and JMS intake carry on by themselves.",
                        broker.brokerDir(), downMs, broker.restarts());
            }
        } catch (RuntimeException e) {
            giveUp.accept("The embedded broker in " + broker.brokerDir() + " stopped after a critical I/O error on "
                    + "its journal and could not be started again: " + e.getMessage() + ". Check the disk of "
                    + "relay.data.dir and start the relay again; queued messages are in the journal and are kept.");
        }
    }

    boolean cancelled() {
        return cancelled;
    }
}
