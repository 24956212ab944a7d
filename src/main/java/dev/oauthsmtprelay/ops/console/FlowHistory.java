package dev.oauthsmtprelay.ops.console;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Delivered and failed messages per minute, and the queue depth at each minute, for the last 24 hours: a ring of
 * 1,440 minutes kept in memory (a restart starts it afresh). {@link #sample()} runs once a minute; it reads the
 * relay's running totals and keeps the differences.
 */
public final class FlowHistory {

    static final int MINUTES = 24 * 60;

    /** One minute: delivered and failed in it, and the queue depth at its end; -1 depth when unknown. */
    public record Minute(Instant start, long delivered, long failed, long depth) {
    }

    private final LongSupplier deliveredTotal;
    private final LongSupplier failedTotal;
    private final LongSupplier depth;
    private final Clock clock;
    private final Minute[] ring = new Minute[MINUTES];
    private long lastDelivered;
    private long lastFailed;
    private Instant lastDelivery;

    public FlowHistory(LongSupplier deliveredTotal, LongSupplier failedTotal, LongSupplier depth, Clock clock) {
        this.deliveredTotal = deliveredTotal;
        this.failedTotal = failedTotal;
        this.depth = depth;
        this.clock = clock;
        this.lastDelivered = deliveredTotal.getAsLong();
        this.lastFailed = failedTotal.getAsLong();
    }

    public synchronized void sample() {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        long delivered = deliveredTotal.getAsLong();
        long failed = failedTotal.getAsLong();
        Minute sample = new Minute(minute, Math.max(0, delivered - lastDelivered), Math.max(0, failed - lastFailed),
                depth.getAsLong());
        lastDelivered = delivered;
        lastFailed = failed;
        if (sample.delivered() > 0) {
            lastDelivery = minute;
        }
        ring[slot(minute)] = sample;
    }

    /** The minutes of the last 24 hours that have a sample, oldest first. */
    public synchronized List<Minute> minutes() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        List<Minute> minutes = new ArrayList<>();
        for (int back = MINUTES - 1; back >= 0; back--) {
            Instant start = now.minus(back, ChronoUnit.MINUTES);
            Minute sample = ring[slot(start)];
            if (sample != null && sample.start().equals(start)) {
                minutes.add(sample);
            }
        }
        return minutes;
    }

    /** The start of the last sampled minute in which something was delivered, or null. */
    public synchronized Instant lastDeliveryMinute() {
        return lastDelivery;
    }

    private static int slot(Instant minute) {
        return (int) Math.floorMod(minute.getEpochSecond() / 60, (long) MINUTES);
    }
}
