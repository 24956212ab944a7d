package dev.oauthsmtprelay.delivery.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.MutableClock;

class DailyQuotaTest {

    private static final Instant START = Instant.parse("2026-12-03T08:00:00Z");
    private static final String MAILBOX = "statements@example.com";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);

    @Test
    void the_count_survives_a_restart_and_expired_sends_are_dropped_from_the_file() {
        DailyQuota before = new DailyQuota(0, 100, dir, clock);
        before.sent(MAILBOX, 40);
        clock.advance(Duration.ofHours(23));
        before.sent(MAILBOX, 30);
        clock.advance(Duration.ofHours(2)); // the first send has left the window

        DailyQuota after = new DailyQuota(0, 100, dir, clock);
        assertThat(after.usage(MAILBOX)).isEqualTo(new DailyQuota.Usage(MAILBOX, 1, 0, 30, 100, 0, null));
        assertThat(dir.resolve(MAILBOX + ".log")).content().hasLineCount(1);
    }

    @Test
    void a_used_up_quota_holds_mail_until_the_window_frees_and_spreads_the_waiting_messages() {
        DailyQuota quota = new DailyQuota(3, 0, dir, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(quota.availableAt(MAILBOX, 1, false)).isEqualTo(clock.instant());
            quota.sent(MAILBOX, 1);
            clock.advance(Duration.ofHours(1));
        }
        Instant first = quota.availableAt(MAILBOX, 1, false);
        Instant second = quota.availableAt(MAILBOX, 1, false);
        assertThat(first).isEqualTo(START.plus(Duration.ofHours(24)));
        assertThat(second).isEqualTo(START.plus(Duration.ofHours(25)));

        clock.advance(Duration.between(clock.instant(), first.plusMillis(10)));
        assertThat(quota.availableAt(MAILBOX, 1, true)).as("the first waiter, back at its time").isEqualTo(clock.instant());
        quota.sent(MAILBOX, 1);
        assertThat(quota.availableAt("other@example.com", 1, false)).isEqualTo(clock.instant());
    }

    @Test
    void recipients_count_and_a_warning_comes_once_at_80_percent() {
        DailyQuota quota = new DailyQuota(0, 10, dir, clock);
        try (CapturedLog log = CapturedLog.attach()) {
            quota.sent(MAILBOX, 7);
            quota.sent(MAILBOX, 1);
            quota.sent(MAILBOX, 1);
            assertThat(log.count(Level.WARN, MAILBOX, "80 %")).isEqualTo(1);
            assertThat(quota.availableAt(MAILBOX, 2, false)).isEqualTo(START.plus(DailyQuota.WINDOW));
            assertThat(quota.availableAt(MAILBOX, 1, false)).as("behind the waiting one")
                    .isEqualTo(START.plus(DailyQuota.WINDOW));
            assertThat(log.count(Level.WARN, MAILBOX, "has used its daily sending limit", "waits in the queue until "
                    + START.plus(DailyQuota.WINDOW))).isEqualTo(1);
        }
    }
}
