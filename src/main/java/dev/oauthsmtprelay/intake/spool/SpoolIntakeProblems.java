package dev.oauthsmtprelay.intake.spool;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.intake.ConditionReport;
import dev.oauthsmtprelay.queue.BrokerDisk;

/**
 * Why spool files wait, told once: the spool directory cannot be written (so Camel cannot take a file and later
 * remove it), or a taken file cannot be queued (the data directory is full, the broker stopped, the queue refuses).
 * Each condition gets one warning naming the directory, the cause and the fix, a reminder at most every
 * {@code relay.spool.warning-interval}, and one info line when it ends; the files stay in the spool meanwhile.
 *
 * <p>The hooks: {@link #begin} is the spool consumer's poll strategy and skips the poll while the spool cannot be
 * written or the queue cannot take messages at all (so no file is read, parsed and rolled back for nothing), and with
 * {@link #commit} and {@link #rollback} tells the {@link SpoolPollWatch} how long each poll takes;
 * {@link #handleException} is its exception handler; {@link #queueFailed} runs in the intake's error handler;
 * {@link #queued} after each successful enqueue.
 */
public final class SpoolIntakeProblems extends DefaultPollingConsumerPollStrategy implements ExceptionHandler {

    public static final String BEAN = "relaySpoolProblems";
    private static final Logger LOG = LoggerFactory.getLogger("dev.oauthsmtprelay.intake.spool");

    private final Path spoolDir;
    private final BrokerDisk brokerDisk;
    private final ConditionReport spool;
    private final ConditionReport spoolWritable;
    private final ConditionReport dataDir;
    private final ConditionReport queue;
    private final SpoolPollWatch pollWatch;

    /** @param pollWatch told when each poll starts and ends, so that a poll that does not return shows */
    public SpoolIntakeProblems(Path spoolDir, BrokerDisk brokerDisk, Duration warningInterval, SpoolPollWatch pollWatch,
                               Clock clock) {
        this.spoolDir = spoolDir.toAbsolutePath().normalize();
        this.pollWatch = pollWatch;
        this.brokerDisk = brokerDisk;
        this.spool = new ConditionReport(LOG, warningInterval, clock);
        this.spoolWritable = new ConditionReport(LOG, warningInterval, clock);
        this.dataDir = new ConditionReport(LOG, warningInterval, clock);
        this.queue = new ConditionReport(LOG, warningInterval, clock);
    }

    /**
     * Before each poll of the spool: no poll while the spool cannot be written (a taken file could not be removed
     * and would be queued again on every poll), the embedded broker's disk is full or the broker stopped.
     */
    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        Optional<IOException> unwritable = SpoolWritability.problem(spoolDir);
        if (unwritable.isPresent()) {
            reportSpoolNotWritable(unwritable.get());
            return false;
        }
        if (spoolWritable.active()) {
            spoolWritable.clear("Spool directory " + spoolDir + " is writable again; the waiting files are being "
                    + "relayed.");
        }
        if (brokerDisk.full()) {
            reportDataDirectoryFull(null);
            return false;
        }
        if (brokerDisk.stopped()) {
            reportBrokerStopped(null);
            return false;
        }
        if (dataDir.active()) { // the message measures the disk: only when there is something to clear
            dataDir.clear("Data directory " + brokerDisk.directory() + " has room again (" + brokerDisk.usage()
                    + "); the waiting spool files are being queued again.");
        }
        pollWatch.pollStarted();
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        pollWatch.pollEnded();
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception e) throws Exception {
        pollWatch.pollEnded();
        return super.rollback(consumer, endpoint, retryCounter, e);
    }

    /** Camel's file consumer could not take or remove a file. */
    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        Optional<DiskError> disk = DiskError.in(exception);
        if (disk.isEmpty()) {
            LOG.warn("{}", message != null ? message : String.valueOf(exception), exception);
            return;
        }
        spool.report(disk.get().name(), spoolDiskWarning(disk.get(), exception));
    }

    private void reportSpoolNotWritable(IOException error) {
        Optional<DiskError> disk = DiskError.in(error);
        if (disk.isPresent()) {
            spoolWritable.report(disk.get().name(), spoolDiskWarning(disk.get(), error));
        } else if (error instanceof AccessDeniedException) {
            spoolWritable.report("permission", "Spool directory " + spoolDir + " cannot be written by the relay "
                    + "(permission denied): the relay takes a file only when it can remove it after queueing, so the "
                    + "files wait there; none is lost or deleted. Give the relay's user (" + System.getProperty(
                    "user.name") + ") write permission on the directory. They are relayed by themselves once it has.");
        } else {
            spoolWritable.report("other", "Spool directory " + spoolDir + " cannot be written by the relay ("
                    + rootMessage(error) + "): the files wait there; none is lost or deleted. Fix the directory; "
                    + "they are relayed by themselves once it can be written.");
        }
    }

    private String spoolDiskWarning(DiskError disk, Throwable error) {
        return "Spool directory " + spoolDir + " is " + disk.state() + " (" + rootMessage(error) + "): the relay "
                + "takes a file only when it can remove it after queueing, so the files wait there; none is lost or "
                + "deleted. " + spoolFix(disk) + " They are relayed by themselves once it is.";
    }

    /** The error handler's step for a taken file that could not be queued; the file stays in the spool. */
    public void queueFailed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String file = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (cause instanceof SpoolFileReads.NotReadyException) {
            LOG.debug("{}", cause.getMessage()); // a stall is told once by SpoolFileReads; a changing file is normal
        } else if (cause instanceof SpoolWritability.NotWritableException notWritable) {
            reportSpoolNotWritable((IOException) notWritable.getCause());
        } else if (brokerDisk.full()) {
            reportDataDirectoryFull(file);
        } else if (brokerDisk.stopped()) {
            reportBrokerStopped(file);
        } else {
            String reason = cause == null ? "unknown problem" : rootMessage(cause);
            queue.report("queue:" + reason, "Could not queue spool file " + file + "; it stays in the spool and is "
                    + "tried again, like the files after it: " + reason);
        }
    }

    /** A spool file was queued: whatever stopped the intake is over. */
    public void queued() {
        if (spool.active()) { // runs for every file: build the line only when there is something to clear
            spool.clear("Spool directory " + spoolDir + " is writable again; the waiting files are being relayed.");
        }
        queue.clear("Spool files are being queued again.");
    }

    private void reportDataDirectoryFull(String file) {
        dataDir.report("full", "Data directory " + brokerDisk.directory() + " (relay.data.dir) is full: "
                + brokerDisk.usage() + ", over the " + brokerDisk.maxUsagePercent() + "% the queue may fill "
                + "(relay.broker.max-disk-usage), so the queue takes no new messages. " + waiting(file)
                + " wait in the spool; none is lost or deleted, and queued messages are still delivered. Free space "
                + "on that file system or move relay.data.dir to a larger one; the waiting files are queued by "
                + "themselves once there is room.");
    }

    private void reportBrokerStopped(String file) {
        dataDir.report("broker-stopped", "The embedded broker in " + brokerDisk.directory() + " (relay.data.dir) "
                + "is not running; Artemis stops itself after an I/O error on its journal (see its error above; the "
                + "disk is " + brokerDisk.usage() + "). " + waiting(file) + " wait in the spool; none is lost or "
                + "deleted. Fix the file system of relay.data.dir (free space, make it writable); the relay starts the "
                + "broker again by itself then, and the messages already queued are kept in the journal.");
    }

    private static String waiting(String file) {
        return file == null ? "Spool files" : "Spool files such as " + file;
    }

    private static String spoolFix(DiskError error) {
        return switch (error) {
            case READ_ONLY -> "Make it writable for the relay (remount the file system read-write, check why it was "
                    + "remounted read-only).";
            case FULL -> "Free space on its file system.";
            case QUOTA -> "Raise the disk quota of the relay's user or free space.";
        };
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
