package dev.oauthsmtprelay.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;

import dev.oauthsmtprelay.message.DeliveryAttempt;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * The failed attempts of the messages still queued, by relay id, for {@code queue list} and the status page: how
 * many, the last reason, and when the broker will try again (its redelivery back-off). In memory, at most
 * {@value #CAPACITY} messages; a restart forgets it, while the broker keeps the messages and their delays.
 */
public final class DeliveryHistory {

    public static final String BEAN = "relayDeliveryHistory";
    static final int CAPACITY = 100_000;

    /** What is known of one message's failed attempts. */
    public record Attempts(int failed, String lastError, Instant lastAttempt, Instant nextAttempt) {
    }

    private final Duration delay;
    private final double multiplier;
    private final Duration maxDelay;
    private final Clock clock;
    private final Map<String, Attempts> byRelayId = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Attempts> eldest) {
            return size() > CAPACITY;
        }
    };

    public DeliveryHistory(Duration delay, double multiplier, Duration maxDelay, Clock clock) {
        this.delay = delay;
        this.multiplier = multiplier;
        this.maxDelay = maxDelay;
        this.clock = clock;
    }

    /** After a failed attempt that goes back to the queue (retry or pause). */
    public synchronized void failed(Exchange exchange) {
        String relayId = QueuedMessage.relayId(exchange.getIn());
        if (relayId == null) {
            return;
        }
        Attempts before = byRelayId.get(relayId);
        int failed = before == null ? 1 : before.failed() + 1;
        Instant now = clock.instant();
        byRelayId.put(relayId, new Attempts(failed, exchange.getProperty(DeliveryAttempt.FAILURE_REASON, String.class),
                now, now.plus(backOff(failed))));
    }

    /** After delivery or a dead letter: nothing more to show. */
    public synchronized void finished(Exchange exchange) {
        String relayId = QueuedMessage.relayId(exchange.getIn());
        if (relayId != null) {
            byRelayId.remove(relayId);
        }
    }

    public synchronized Optional<Attempts> of(String relayId) {
        return Optional.ofNullable(byRelayId.get(relayId));
    }

    private Duration backOff(int failed) {
        double millis = delay.toMillis() * Math.pow(multiplier, failed - 1);
        return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
    }
}
