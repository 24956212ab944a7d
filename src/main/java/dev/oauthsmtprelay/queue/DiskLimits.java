package dev.oauthsmtprelay.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * How full the embedded broker may make the file system of {@code relay.data.dir} before it refuses new messages,
 * and how often it looks.
 *
 * <ul>
 *   <li>{@code maxUsagePercent} – {@code relay.broker.max-disk-usage} (90): above this share of the file system in
 *       use, new messages are refused at once (the spool files wait in the spool); messages already queued are still
 *       delivered. 100 turns the check off, and the broker then meets a full disk only as an I/O error on its
 *       journal, after which it stops itself.</li>
 *   <li>{@code scanPeriod} – {@code relay.broker.disk-scan-period} (5 s): how often the broker measures.</li>
 * </ul>
 */
public record DiskLimits(int maxUsagePercent, Duration scanPeriod) {

    public static final int DEFAULT_MAX_USAGE_PERCENT = 90;
    public static final Duration DEFAULT_SCAN_PERIOD = Duration.ofSeconds(5);

    public DiskLimits {
        if (maxUsagePercent < 1 || maxUsagePercent > 100) {
            throw new IllegalArgumentException("relay.broker.max-disk-usage must be a percentage from 1 to 100: "
                    + maxUsagePercent);
        }
        Objects.requireNonNull(scanPeriod, "scanPeriod");
        if (scanPeriod.toMillis() < 1 || scanPeriod.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("relay.broker.disk-scan-period must be at least 1 ms: " + scanPeriod);
        }
    }

    /** Reads {@code relay.broker.max-disk-usage}: {@code 90} or {@code 90%}. */
    public static int parsePercent(String value) {
        String digits = value.trim().endsWith("%") ? value.trim().substring(0, value.trim().length() - 1) : value;
        try {
            return Integer.parseInt(digits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("relay.broker.max-disk-usage must be a whole percentage from 1 to 100 "
                    + "(for example 90): '" + value + "'");
        }
    }

    public static DiskLimits defaults() {
        return new DiskLimits(DEFAULT_MAX_USAGE_PERCENT, DEFAULT_SCAN_PERIOD);
    }
}
