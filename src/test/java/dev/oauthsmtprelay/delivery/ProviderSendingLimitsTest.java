package dev.oauthsmtprelay.delivery;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * Microsoft 365 and Gmail limit what one mailbox may send: Exchange Online refuses a fourth concurrent connection
 * of a mailbox with 432 4.3.2, and both answer an exhausted daily quota with a 5xx although nothing is wrong with
 * the message. The relay stays within the connection limit by default and keeps quota-refused messages queued.
 */
class ProviderSendingLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SENDER = "statements@example.com";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @Test
    void should_stay_within_three_connections_per_mailbox_by_default_with_more_consumers() throws Exception {
        XOAuth2SmtpHub hub = exchangeOnlineLike();
        RelayHarness relay = bed.relay(dir, Map.of("relay.delivery.concurrency", "6"));

        dropStatements(relay, 30);

        assertThat(distinctSubjects(hub, 30)).hasSize(30);
        assertThat(hub.peakConnectionsOf(SENDER)).isBetween(1, 3);
        assertThat(hub.connectionLimitRefusals()).isZero();
    }

    @Test
    void should_explain_and_retry_432_when_more_connections_are_allowed_than_the_provider_accepts() throws Exception {
        // Slower replies and a full spool at start: all 30 are queued at once, and each delivery lasts long enough
        // for the consumers to scale up to 6 before the first ones finish (with 20 ms and files dropped one by one
        // into a running relay, a loaded CI machine once delivered them all on 3 connections).
        XOAuth2SmtpHub hub = exchangeOnlineLike(Duration.ofMillis(50));
        CapturedLog log = bed.closeAfter(CapturedLog.attach());
        RelayHarness relay = bed.harness(dir, Map.of(
                "relay.delivery.concurrency", "6",
                "relay.smtp.pool.max-per-mailbox", "6"));
        dropStatements(relay, 30);

        relay.start();

        assertThat(distinctSubjects(hub, 30)).as("every message arrives despite the refusals").hasSize(30);
        assertThat(hub.peakConnectionsOf(SENDER)).isGreaterThan(3);
        assertThat(hub.connectionLimitRefusals()).isPositive();
        assertThat(relay.filesIn(relay.deadLetterDir(), ".eml")).isZero();
        assertThat(log.lines(Level.WARN, "will retry")).anySatisfy(line -> assertThat(line)
                .contains("more than 3 connections were sending as " + SENDER, "relay.smtp.pool.max-per-mailbox"));
    }

    @Test
    void should_keep_a_message_queued_when_microsoft_says_the_daily_quota_is_used_up() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.failNextData(2, "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to "
                + "process message due to a permanent exception with message [BeginDiagnosticData]Cannot submit "
                + "message.");
        CapturedLog log = bed.closeAfter(CapturedLog.attach());
        RelayHarness relay = bed.relay(dir, Map.of());

        relay.drop("quota.eml", statement(1));

        assertThat(hub.awaitMessages(1, WAIT)).hasSize(1);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".eml")).isZero();
        assertThat(log.lines(Level.WARN, "will retry")).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains(SENDER + " has reached its daily sending limit", "relay.users", "554 5.2.0"));
    }

    @Test
    void should_keep_a_message_queued_when_gmail_says_the_daily_sending_limit_is_exceeded() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.failNextMail(1, "550 5.4.5 Daily user sending limit exceeded. For more information on Gmail sending "
                + "limits go to https://support.google.com/a/answer/166852 - gsmtp");
        CapturedLog log = bed.closeAfter(CapturedLog.attach());
        RelayHarness relay = bed.relay(dir, Map.of());

        relay.drop("quota.eml", statement(1));

        assertThat(hub.awaitMessages(1, WAIT)).hasSize(1);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".eml")).isZero();
        assertThat(log.lines(Level.WARN, "will retry")).singleElement().asString()
                .contains("Gmail says " + SENDER + " has reached its daily sending limit", "550 5.4.5");
    }

    @Test
    void should_still_dead_letter_a_5xx_that_is_not_about_a_sending_limit() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.failNextData(1, "554 5.6.0 Corrupt message content");
        RelayHarness relay = bed.relay(dir, Map.of());

        relay.drop("corrupt.eml", statement(1));

        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".eml") == 1, () -> "a dead letter");
        assertThat(hub.messageCount()).isZero();
    }

    private XOAuth2SmtpHub exchangeOnlineLike() {
        return exchangeOnlineLike(Duration.ofMillis(20));
    }

    private XOAuth2SmtpHub exchangeOnlineLike(Duration replyLatency) {
        // the latency keeps several deliveries in flight at once, so that the consumers really compete for connections
        return bed.hub(b -> b.rejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365)
                .maxConnectionsPerMailbox(3).replyLatency(replyLatency));
    }

    private static void dropStatements(RelayHarness relay, int count) {
        for (int i = 0; i < count; i++) {
            relay.drop("s" + i + ".eml", statement(i));
        }
    }

    private static Set<String> distinctSubjects(XOAuth2SmtpHub hub, int count) {
        return hub.awaitMessages(count, WAIT).stream().map(m -> {
            try {
                return m.mimeMessage().getSubject();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
    }

    private static String statement(int n) {
        return "From: " + SENDER + "\r\nTo: customer" + n + "@example.net\r\nSubject: statement " + n
                + "\r\nMessage-ID: <s" + n + "@example.com>\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\r\nBalance: "
                + n + "\r\n";
    }
}
