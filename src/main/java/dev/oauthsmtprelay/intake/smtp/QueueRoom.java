package dev.oauthsmtprelay.intake.smtp;

import java.util.Optional;

import dev.oauthsmtprelay.intake.ConditionReport;
import dev.oauthsmtprelay.queue.BrokerDisk;

/**
 * Asked at MAIL FROM: whether the delivery queue has room. While the data directory is over its limit the answer is
 * {@code 452 4.3.1}, while the embedded broker is stopped after a journal failure {@code 452 4.3.0}, before the client
 * sends any data; the client keeps the message and tries again later, as it does with Postfix's
 * {@code queue_minfree}. One warning while it lasts (not one per session), one line when it ends.
 */
public final class QueueRoom {

    static final String FULL = "4.3.1 Insufficient system storage: the relay's queue has no room now; try again later";
    static final String STOPPED = "4.3.0 The relay's queue is stopped after a disk error; try again later";

    private final BrokerDisk disk;
    private final ConditionReport report;

    public QueueRoom(BrokerDisk disk, ConditionReport report) {
        this.disk = disk;
        this.report = report;
    }

    /** Why a message cannot be taken now, as the text after the 452; empty when there is room. */
    public Optional<String> shortage() {
        if (disk.stopped()) {
            report.report("stopped", "The embedded broker in " + disk.directory() + " (relay.data.dir) is not running "
                    + "after an I/O error on its journal (" + disk.usage() + "). The SMTP listener answers 452 at MAIL "
                    + "FROM, so the clients keep their mail and send it again later; the relay starts the broker again "
                    + "by itself once relay.data.dir has room and can be written.");
            return Optional.of(STOPPED);
        }
        if (!disk.full()) {
            if (report.active()) {
                report.clear("Data directory " + disk.directory() + " has room again (" + disk.usage()
                        + "); the SMTP listener takes mail again.");
            }
            return Optional.empty();
        }
        report.report("full", "Data directory " + disk.directory() + " (relay.data.dir) is full: " + disk.usage()
                + ", over the " + disk.maxUsagePercent() + "% the queue may fill (relay.broker.max-disk-usage). The "
                + "SMTP listener answers 452 at MAIL FROM, so the clients keep their mail and send it again later. "
                + "Free space on that file system or move relay.data.dir to a larger one; the listener takes mail "
                + "again by itself once there is room.");
        return Optional.of(FULL);
    }
}
