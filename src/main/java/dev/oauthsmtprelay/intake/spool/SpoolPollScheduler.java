package dev.oauthsmtprelay.intake.spool;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.spi.ScheduledPollConsumerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the spool consumer scans the spool. While files are in it (waiting for their read lock, or for a broker
 * that is down), every {@code relay.spool.poll-interval}, as Camel's own scheduler would. While it is empty, the
 * scan waits for the file system to report a new file ({@link SpoolDirectoryEvents}) and otherwise comes every
 * {@code relay.spool.idle-poll-interval}: an idle relay then wakes a few times a minute instead of twice a second,
 * and a new file is taken at once instead of within half a second. Where there are no such events, every scan
 * follows {@code relay.spool.poll-interval}.
 */
public final class SpoolPollScheduler implements ScheduledPollConsumerScheduler {

    public static final String BEAN = "relaySpoolScheduler";
    private static final Logger LOG = LoggerFactory.getLogger("dev.oauthsmtprelay.intake.spool");
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final Duration pollInterval;
    private final Duration idlePollInterval;
    private CamelContext camelContext;
    private volatile Path directory;
    private volatile List<String> extensions = List.of();
    private volatile Runnable task;
    private volatile Loop loop;

    public SpoolPollScheduler(Duration pollInterval, Duration idlePollInterval) {
        this.pollInterval = pollInterval;
        this.idlePollInterval = idlePollInterval;
    }

    @Override
    public void onInit(Consumer consumer) {
        if (!(consumer.getEndpoint() instanceof FileEndpoint file)) {
            throw new IllegalArgumentException(BEAN + " schedules file consumers only, not " + consumer.getEndpoint());
        }
        directory(file.getFile().toPath(), file.getIncludeExt());
    }

    /** The spool and the extensions its consumer takes (Camel's {@code includeExt}: comma-separated, any case). */
    void directory(Path spoolDirectory, String includeExt) {
        this.directory = spoolDirectory.toAbsolutePath();
        this.extensions = includeExt == null ? List.of() : Arrays.stream(includeExt.split(","))
                .map(extension -> "." + extension.trim().toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public void scheduleTask(Runnable consumerRun) {
        this.task = consumerRun;
    }

    @Override
    public synchronized void startScheduler() {
        if (task == null || directory == null) {
            throw new IllegalStateException(BEAN + " was started before Camel handed it the spool consumer "
                    + "(onInit and scheduleTask); the spool would never be scanned.");
        }
        if (loop == null) {
            loop = new Loop(task, directory);
            loop.thread.start();
        }
    }

    @Override
    public boolean isSchedulerStarted() {
        return loop != null;
    }

    @Override
    public synchronized void unscheduleTask() {
        Loop stopping = loop;
        loop = null;
        if (stopping != null) {
            stopping.stop();
        }
    }

    @Override
    public void start() {
        // the loop starts with startScheduler, after Camel has handed over the consumer
    }

    @Override
    public void stop() {
        unscheduleTask();
    }

    @Override
    public void shutdown() {
        unscheduleTask();
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** One consumer's scans, on their own thread; a stopped loop is not restarted (a new one is made). */
    private final class Loop {
        private final Runnable scan;
        private final Path spool;
        private final Thread thread;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile SpoolDirectoryEvents events;

        Loop(Runnable scan, Path spool) {
            this.scan = scan;
            this.spool = spool;
            this.thread = new Thread(this::run, "relay-spool-poll");
            thread.setDaemon(true);
        }

        private void run() {
            if (idlePollInterval.compareTo(pollInterval) > 0) {
                events = SpoolDirectoryEvents.open(spool).orElse(null);
            }
            try {
                while (stopped.getCount() > 0) {
                    scanOnce();
                    if (stopped.getCount() > 0) {
                        waitForNextScan();
                    }
                }
            } finally {
                if (events != null) {
                    events.close();
                }
            }
        }

        /** Camel's run() reports a failed poll itself; anything else must not end the spool's scans for good. */
        private void scanOnce() {
            try {
                scan.run();
            } catch (RuntimeException e) {
                LOG.error("A spool scan failed unexpectedly ({}); the files stay in the spool and the next scan "
                        + "follows after relay.spool.poll-interval. This is a bug in the relay or Camel: please "
                        + "report it with the stack trace below.", e.toString(), e);
                await(pollInterval);
            }
        }

        private void waitForNextScan() {
            SpoolDirectoryEvents current = events;
            if (current != null && !current.isValid()) {
                current.close();
                LOG.info("Spool {}: its file events ended (was the directory removed or replaced?); it is scanned "
                        + "every relay.spool.poll-interval from now on.", spool);
                events = current = null;
            }
            if (current == null || holdsFiles()) {
                await(pollInterval); // not woken by new files: a spool that waits for a broker is scanned no faster
            } else {
                current.await(idlePollInterval);
            }
        }

        private void await(Duration duration) {
            try {
                stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped.countDown();
            }
        }

        /** Whether a file the consumer would take is still in the spool (unknown counts as yes). */
        private boolean holdsFiles() {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(spool)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString().toLowerCase(Locale.ROOT);
                    if (!name.startsWith(".") && (extensions.isEmpty() || extensions.stream().anyMatch(name::endsWith))
                            && Files.isRegularFile(entry)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException | RuntimeException e) {
                return true;
            }
        }

        void stop() {
            stopped.countDown();
            SpoolDirectoryEvents current = events;
            if (current != null) {
                current.close(); // ends a wait for events at once
            }
            if (Thread.currentThread() != thread) {
                try {
                    thread.join(STOP_WAIT_MILLIS); // a scan in progress ends on its own: Camel stops it first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
