package dev.oauthsmtprelay.delivery.graph;

import java.util.concurrent.atomic.LongAdder;

/** Counts for the metrics: Graph requests, throttling replies (429, 503), and requests repeated after a failure. */
public final class GraphStatistics {

    private final LongAdder requests = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder retries = new LongAdder();

    void requested() {
        requests.increment();
    }

    void throttled() {
        throttled.increment();
    }

    /** A fresh token after a 401, or an unfinished draft taken up again instead of a new one. */
    void retried() {
        retries.increment();
    }

    public long requests() {
        return requests.sum();
    }

    public long throttledReplies() {
        return throttled.sum();
    }

    public long retries() {
        return retries.sum();
    }
}
