package dev.oauthsmtprelay.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.MutableClock;

class ConditionReportTest {

    private final MutableClock clock = MutableClock.atNow();
    private final CapturedLog log = CapturedLog.attach();
    private final ConditionReport report = new ConditionReport(
            LoggerFactory.getLogger("dev.oauthsmtprelay.test.condition"), Duration.ofMinutes(5), clock);

    @AfterEach
    void detach() {
        log.close();
    }

    @Test
    void should_warn_once_remind_after_the_interval_and_say_once_when_it_is_over() {
        for (int i = 0; i < 100; i++) {
            report.report("read-only", "spool is read-only");
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(log.lines(Level.WARN, "spool is read-only")).hasSize(1);

        clock.advance(Duration.ofMinutes(4));
        report.report("read-only", "spool is read-only");
        assertThat(log.lines(Level.WARN, "spool is read-only")).hasSize(2);
        assertThat(log.lines(Level.WARN, "still so; it showed 99 more time(s)")).hasSize(1);

        report.clear("spool is writable again");
        report.clear("spool is writable again");
        assertThat(log.lines(Level.INFO, "spool is writable again")).hasSize(1);
        assertThat(report.active()).isFalse();
    }

    @Test
    void should_warn_at_once_when_the_condition_changes() {
        report.report("read-only", "spool is read-only");
        report.report("full", "spool is full");
        report.report("full", "spool is full");
        assertThat(log.lines(Level.WARN, "spool is")).hasSize(2);
    }

    @Test
    void should_say_nothing_on_clear_when_nothing_was_wrong() {
        report.clear("spool is writable again");
        assertThat(log.lines(Level.INFO, "writable again")).isEmpty();
    }
}
