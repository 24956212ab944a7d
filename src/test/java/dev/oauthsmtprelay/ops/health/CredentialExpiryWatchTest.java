package dev.oauthsmtprelay.ops.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.MicrosoftClientAuth;
import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.MutableClock;

class CredentialExpiryWatchTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2027-05-01T08:00:00Z"));
    private final MicrosoftApp app = new MicrosoftApp(null, "tenant", "app-id",
            new MicrosoftClientAuth.ClientSecret("hidden", LocalDate.parse("2027-06-15")), "scope",
            URI.create("https://login.example/token"), "example.com");

    @Test
    void it_warns_only_in_the_last_30_days_and_shouts_once_the_date_has_passed() {
        CredentialExpiryWatch watch = new CredentialExpiryWatch(app, clock);
        try (CapturedLog log = CapturedLog.attach()) {
            watch.warnIfDue();
            assertThat(log.count(Level.WARN, "app-id")).isZero();

            clock.advance(Duration.ofDays(20)); // 2027-05-21 08:00: 24 days and 16 hours left
            watch.warnIfDue();
            assertThat(log.count(Level.WARN, "client secret, expires 2027-06-15", "in 24 day(s)")).isEqualTo(1);

            clock.advance(Duration.ofDays(30));
            watch.warnIfDue();
            assertThat(log.count(Level.ERROR, "expired on 2027-06-15", "no mail is delivered")).isEqualTo(1);
            assertThat(log.lines(Level.WARN)).noneMatch(line -> line.contains("hidden"));
        }
        assertThat(watch.secondsLeft()).isNegative();
    }

    @Test
    void without_a_date_nothing_is_claimed() {
        MicrosoftApp undated = new MicrosoftApp(null, "tenant", "app-id", "hidden", "scope",
                URI.create("https://login.example/token"), "example.com");
        CredentialExpiryWatch watch = new CredentialExpiryWatch(undated, clock);
        assertThat(watch.expiresAt()).isEmpty();
        assertThat(watch.secondsLeft()).isNaN();
    }
}
