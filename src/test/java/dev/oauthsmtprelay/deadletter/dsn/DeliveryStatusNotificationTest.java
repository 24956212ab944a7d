package dev.oauthsmtprelay.deadletter.dsn;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** RFC 3464 notifications to the original sender, delivered through the running relay. */
class DeliveryStatusNotificationTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;

    private RelayHarness relay(Map<String, Object> extra) {
        hub = bed.hub();
        return bed.harness(dir, extra);
    }

    @Test
    void should_send_the_original_sender_a_delivery_status_report_on_a_permanent_failure() {
        relay = relay(Map.of("relay.dsn.enabled", "true", "relay.default-sender", "postmaster@example.com")).start();
        hub.failNextData(1, "554 5.6.0 Message rejected: content not allowed");

        relay.drop("invoice.eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: Invoice 42\r\n"
                + "\r\nbody\r\n");

        XOAuth2SmtpHub.ReceivedMessage dsn = hub.awaitMessages(1, WAIT).get(0);
        assertThat(dsn.recipients()).containsExactly("billing@example.com");
        assertThat(dsn.authenticatedMailbox()).isEqualTo("postmaster@example.com");
        assertThat(dsn.dataAsString())
                .contains("Auto-Submitted: auto-replied")
                .contains("Content-Type: multipart/report;")
                .contains("report-type=delivery-status")
                .contains("Content-Type: message/delivery-status")
                .contains("Final-Recipient: rfc822; customer@example.net")
                .contains("Action: failed")
                .contains("Status: 5.6.0")
                .contains("Diagnostic-Code: smtp; 554 5.6.0 Message rejected")
                .contains("Content-Type: text/rfc822-headers")
                .contains("Subject: Invoice 42")
                .doesNotContain("\r\nbody\r\n");
        String topHeaders = dsn.dataAsString().substring(0, dsn.dataAsString().indexOf("\r\n\r\n"));
        assertThat(topHeaders).as("the relay's Message-ID, not Jakarta Mail's")
                .containsPattern("Message-ID: <[^>]+@example\\.com>");
    }

    @Test
    void should_not_notify_about_a_message_that_was_itself_automatic() throws Exception {
        relay = relay(Map.of("relay.dsn.enabled", "true", "relay.default-sender", "postmaster@example.com")).start();
        hub.failNextData(1, "554 5.6.0 Message rejected: content not allowed");

        relay.drop("alert.eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: alert\r\n"
                + "Auto-Submitted: auto-generated\r\n\r\nbody\r\n");

        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "one dead letter");
        Thread.sleep(1000);
        assertThat(hub.messageCount()).isZero();
        assertThat(relay.filesIn(relay.spoolDir(), ".eml")).isZero();
    }

    @Test
    void should_refuse_to_start_with_notifications_on_but_no_sender_to_send_them_as() {
        relay = relay(Map.of("relay.dsn.enabled", "true"));

        assertThatThrownBy(relay::start).rootCause().hasMessageContaining("relay.dsn.enabled=true needs "
                + "relay.default-sender");
    }
}
