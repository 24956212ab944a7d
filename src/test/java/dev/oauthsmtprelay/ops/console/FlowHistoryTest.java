package dev.oauthsmtprelay.ops.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.fixtures.MutableClock;

class FlowHistoryTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:30Z"));
    private final AtomicLong delivered = new AtomicLong(100);
    private final AtomicLong failed = new AtomicLong(7);
    private final AtomicLong depth = new AtomicLong();
    private final FlowHistory history = new FlowHistory(delivered::get, failed::get, depth::get, clock);

    @Test
    void each_minute_keeps_what_happened_in_it_not_the_running_totals() {
        delivered.addAndGet(12);
        depth.set(40);
        history.sample();
        clock.advance(Duration.ofMinutes(1));
        failed.addAndGet(3);
        depth.set(55);
        history.sample();

        assertThat(history.minutes()).containsExactly(
                new FlowHistory.Minute(Instant.parse("2026-12-03T10:00:00Z"), 12, 0, 40),
                new FlowHistory.Minute(Instant.parse("2026-12-03T10:01:00Z"), 0, 3, 55));
        assertThat(history.lastDeliveryMinute()).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
    }

    @Test
    void minutes_older_than_24_hours_drop_out_when_the_ring_comes_round() {
        delivered.addAndGet(5);
        history.sample();
        clock.advance(Duration.ofHours(24));
        assertThat(history.minutes()).isEmpty();
        delivered.addAndGet(2);
        history.sample();
        assertThat(history.minutes()).extracting(FlowHistory.Minute::delivered).containsExactly(2L);
    }
}
