package dev.oauthsmtprelay.intake.spool;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Bounds how many bytes of spool files the intake threads hold at once. Reading, checking and queueing a file in
 * memory keeps up to four copies of it, so eight threads taking several 20 MB files together need more heap than the
 * relay's 256 MB (measured: an OutOfMemoryError, bench/README.md); with this budget the later ones wait until the
 * earlier ones are queued. A large .eml file queued from the file as a stream counts only what it holds in memory
 * ({@code SpoolFileIntake.STREAMED_FILE_HEAP_BYTES}). A file larger than the whole budget is taken alone, once
 * nothing else is in flight, so it can never wait forever.
 */
public final class BytesInFlight {

    /** An eighth of the maximum heap (32 MB with -Xmx256m): four copies of that fill half of it. */
    public static long defaultLimit() {
        return Math.max(1024 * 1024, Runtime.getRuntime().maxMemory() / 8);
    }

    private final long limit;
    private long inFlight;

    public BytesInFlight(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException(RelayKeys.SPOOL_MAX_BYTES_IN_FLIGHT + " must be a positive number of bytes, "
                    + "got " + limit);
        }
        this.limit = limit;
    }

    /** Waits until {@code bytes} fit into the budget (or nothing else is in flight), then counts them in. */
    public synchronized void acquire(long bytes) throws InterruptedException {
        long weight = weight(bytes);
        while (inFlight > 0 && inFlight + weight > limit) {
            wait();
        }
        inFlight += weight;
    }

    /** Counts out what {@link #acquire(long)} counted in for the same size. */
    public synchronized void release(long bytes) {
        inFlight = Math.max(0, inFlight - weight(bytes));
        notifyAll();
    }

    public synchronized long inFlight() {
        return inFlight;
    }

    private long weight(long bytes) {
        return Math.min(Math.max(bytes, 0), limit);
    }
}
