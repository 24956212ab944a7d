package dev.oauthsmtprelay.intake.smtp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The listener's counters; {@code app/} publishes them as metrics, so intake does not import operations. */
public final class ListenerStats {

    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong open = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Map<Refusal.Reason, AtomicLong> refused = new EnumMap<>(Refusal.Reason.class);

    public ListenerStats() {
        for (Refusal.Reason reason : Refusal.Reason.values()) {
            refused.put(reason, new AtomicLong());
        }
    }

    void connected() {
        connections.incrementAndGet();
        open.incrementAndGet();
    }

    void disconnected() {
        open.decrementAndGet();
    }

    void accepted(long size) {
        accepted.incrementAndGet();
        bytes.addAndGet(size);
    }

    void refused(Refusal.Reason reason) {
        refused.get(reason).incrementAndGet();
    }

    /** Connections accepted since start (refused ones included). */
    public long connections() {
        return connections.get();
    }

    public long openConnections() {
        return open.get();
    }

    /** Messages answered 250. */
    public long accepted() {
        return accepted.get();
    }

    /** Bytes of the messages answered 250. */
    public long bytes() {
        return bytes.get();
    }

    /** Refusals by reason tag ({@code sender}, {@code size}, {@code queue} …), every reason present. */
    public Map<String, Long> refused() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        refused.forEach((reason, count) -> counts.put(reason.tag(), count.get()));
        return counts;
    }
}
