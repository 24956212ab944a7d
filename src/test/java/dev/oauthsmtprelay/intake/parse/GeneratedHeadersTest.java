package dev.oauthsmtprelay.intake.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.fixtures.MutableClock;

class GeneratedHeadersTest {

    private static final Instant SUNDAY = Instant.parse("2026-12-06T00:59:58.250Z");

    @Test
    void the_date_is_rfc_5322_with_a_numeric_zone() {
        GeneratedHeaders headers = new GeneratedHeaders("Example.COM", Clock.fixed(SUNDAY, ZoneId.of("Europe/Berlin")));

        assertThat(headers.date()).isEqualTo("Sun, 6 Dec 2026 01:59:58 +0100");
        assertThat(headers.messageId()).startsWith("<").endsWith("@example.com>");
    }

    @Test
    void the_date_follows_the_clock_from_one_second_to_the_next() {
        MutableClock clock = new MutableClock(SUNDAY);
        GeneratedHeaders headers = new GeneratedHeaders(null, clock);

        assertThat(headers.date()).isEqualTo("Sun, 6 Dec 2026 00:59:58 +0000");
        clock.advance(Duration.ofMillis(700));
        assertThat(headers.date()).as("the same second").isEqualTo("Sun, 6 Dec 2026 00:59:58 +0000");
        clock.advance(Duration.ofMillis(100));
        assertThat(headers.date()).isEqualTo("Sun, 6 Dec 2026 00:59:59 +0000");
        clock.advance(Duration.ofHours(-1));
        assertThat(headers.date()).as("a clock set back").isEqualTo("Sat, 5 Dec 2026 23:59:59 +0000");
    }
}
