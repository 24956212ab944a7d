package dev.oauthsmtprelay.queue;

import java.time.Duration;
import java.util.Objects;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * How full the embedded broker may make the file system of {@code relay.data.dir} before it refuses new messages,
 * and how often it looks.
 *
 * <ul>
 *   <li>{@code maxUsagePercent} – {@code relay.broker.max-disk-usage}: above this share of the file system in
 *       use, new messages are refused at once (the spool files wait in the spool); messages already queued are still
 *       delivered. 100 turns the check off, and the broker then meets a full disk only as an I/O error on its
 *       journal, after which it stops itself.</li>
 *   <li>{@code scanPeriod} – {@code relay.broker.disk-scan-period}: how often the broker measures.</li>
 * </ul>
 */
public record DiskLimits(int maxUsagePercent, Duration scanPeriod) {

    public DiskLimits {
        if (maxUsagePercent < 1 || maxUsagePercent > 100) {
            throw new IllegalArgumentException(RelayKeys.BROKER_MAX_DISK_USAGE + " must be a percentage from 1 to 100: "
                    + maxUsagePercent);
        }
        Objects.requireNonNull(scanPeriod, "scanPeriod");
        if (scanPeriod.toMillis() < 1 || scanPeriod.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(RelayKeys.BROKER_DISK_SCAN_PERIOD + " must be at least 1 ms: "
                    + scanPeriod);
        }
    }

    /** The table's defaults. */
    public static DiskLimits defaults() {
        return new DiskLimits(RelayKeys.BROKER_MAX_DISK_USAGE.defaultValue(),
                RelayKeys.BROKER_DISK_SCAN_PERIOD.defaultValue());
    }
}
