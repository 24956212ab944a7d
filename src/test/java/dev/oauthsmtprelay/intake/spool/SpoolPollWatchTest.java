package dev.oauthsmtprelay.intake.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.MutableClock;

class SpoolPollWatchTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));
    private final SpoolPollWatch watch = new SpoolPollWatch(Duration.ofSeconds(30), clock);

    @Test
    void a_poll_within_the_threshold_is_not_reported() {
        try (CapturedLog log = CapturedLog.attach()) {
            watch.pollStarted();
            clock.advance(Duration.ofSeconds(30));
            watch.check();
            watch.pollEnded();

            assertThat(watch.stuckSince()).isEmpty();
            assertThat(watch.stuckSeconds()).isZero();
            assertThat(log.lines(Level.WARN)).isEmpty();
            assertThat(log.lines(Level.INFO)).isEmpty();
        }
    }

    @Test
    void a_poll_past_the_threshold_is_told_once_with_where_it_waits_and_once_when_it_returns() {
        try (CapturedLog log = CapturedLog.attach()) {
            watch.pollStarted();
            clock.advance(Duration.ofSeconds(45));
            watch.check();
            clock.advance(Duration.ofSeconds(15));
            watch.check();

            assertThat(watch.stuckSince()).contains(Instant.parse("2026-12-04T08:00:00Z"));
            assertThat(watch.stuckSeconds()).isEqualTo(60.0);
            assertThat(log.lines(Level.WARN, "The spool poll has been running for 45 s")).singleElement().asString()
                    .contains("relay.spool.read-timeout=30 s", "It waits in ", SpoolPollWatchTest.class.getName());
            assertThat(log.count(Level.WARN, "The spool poll")).isEqualTo(1);

            watch.pollEnded();

            assertThat(watch.stuckSince()).isEmpty();
            assertThat(log.lines(Level.INFO, "The spool poll returned after 60 s")).hasSize(1);
        }
    }

    @Test
    void the_next_poll_is_watched_afresh() {
        try (CapturedLog log = CapturedLog.attach()) {
            watch.pollStarted();
            clock.advance(Duration.ofMinutes(1));
            watch.check();
            watch.pollEnded();
            watch.pollStarted();
            clock.advance(Duration.ofMinutes(1));
            watch.check();

            assertThat(log.count(Level.WARN, "The spool poll has been running for")).isEqualTo(2);
        }
    }

    @Test
    void its_own_thread_tells_a_poll_past_the_threshold_without_being_asked() throws InterruptedException {
        SpoolPollWatch timed = new SpoolPollWatch(Duration.ofMillis(300), Clock.systemUTC());
        try (CapturedLog log = CapturedLog.attach()) {
            timed.start();
            timed.pollStarted();
            timed.pollEnded(); // a poll in time schedules a check that finds nothing
            timed.pollStarted();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (log.count(Level.WARN, "The spool poll has been running for") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(500);

            assertThat(log.count(Level.WARN, "The spool poll has been running for")).isEqualTo(1);
            assertThat(timed.stuckSince()).isPresent();
        } finally {
            timed.pollEnded();
            timed.stop();
        }
    }
}
