package dev.oauthsmtprelay.delivery.pacing;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.core.server.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;
import dev.oauthsmtprelay.ops.status.StatusReport;
import dev.oauthsmtprelay.queue.RelayBroker;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * relay.pacing.messages-per-minute through the real routes and broker: a mailbox's messages beyond the rate wait in
 * the queue as scheduled messages, and another mailbox's mail goes out at once meanwhile.
 */
class PacingDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    @Test
    void beyond_the_rate_messages_wait_in_the_queue_without_attempts_and_other_mailboxes_overtake_them() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of("relay.pacing.messages-per-minute", 5,
                "relay.quota.recipients-per-day", 1000));
        for (int i = 0; i < 10; i++) {
            relay.drop("statement-" + i + ".eml", "From: statements@example.com\r\nTo: c" + i + "@example.net\r\n"
                    + "Subject: statement " + i + "\r\n\r\nx\r\n");
        }
        await(WAIT, () -> hub.messageCount() == 5, () -> hub.messageCount() + " delivered, expected the first 5");
        Queue queue = relay.context().hasService(RelayBroker.class).embeddedBroker().orElseThrow().server()
                .locateQueue("relay.outbound");
        await(WAIT, () -> queue.getScheduledCount() == 5, () -> queue.getScheduledCount() + " scheduled, expected 5");

        relay.drop("alert.eml", "From: alerts@example.com\r\nTo: ops@example.net\r\nSubject: disk full\r\n\r\nx\r\n");
        XOAuth2SmtpHub.ReceivedMessage alert = hub.awaitMessages(6, WAIT).get(5);
        assertThat(alert.dataAsString()).contains("Subject: disk full");

        Thread.sleep(2000);
        assertThat(hub.messageCount()).as("the other 5 statements wait for the next minute").isEqualTo(6);
        assertThat(queue.getScheduledCount()).isEqualTo(5);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
        assertThat(RelayMetrics.of(relay.context()).scrape())
                .contains("relay_mailbox_paced{mailbox=\"statements@example.com\"} 5.0")
                .contains("relay_mailbox_paced{mailbox=\"alerts@example.com\"} 0.0");

        Map<String, Object> status = ((StatusReport) relay.context().getRegistry().lookupByName("relayStatus"))
                .report(RelayMetrics.of(relay.context()));
        @SuppressWarnings("unchecked")
        Map<String, Object> statements = ((List<Map<String, Object>>) status.get("mailboxes")).stream()
                .filter(m -> m.get("mailbox").equals("statements@example.com")).findFirst().orElseThrow();
        assertThat(statements).containsEntry("messages24h", 5).containsEntry("recipients24h", 5)
                .containsEntry("recipientLimit", 1000);
        assertThat(Instant.parse((String) statements.get("pacedUntil")))
                .isBetween(Instant.now().plusSeconds(40), Instant.now().plusSeconds(61));
    }

    @Test
    void with_mailbox_groups_a_paced_message_keeps_its_mailboxs_group_while_it_waits() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of("relay.pacing.messages-per-minute", 2,
                "relay.pacing.mailbox-groups", "true"));
        for (int i = 0; i < 5; i++) {
            relay.drop("statement-" + i + ".eml", "From: Statements@Example.com\r\nTo: c" + i + "@example.net\r\n"
                    + "Subject: statement " + i + "\r\n\r\nx\r\n");
        }
        await(WAIT, () -> hub.messageCount() == 2, () -> hub.messageCount() + " delivered, expected the first 2");
        Queue queue = relay.context().hasService(RelayBroker.class).embeddedBroker().orElseThrow().server()
                .locateQueue("relay.outbound");
        await(WAIT, () -> queue.getScheduledCount() == 3, () -> queue.getScheduledCount() + " scheduled, expected 3");

        assertThat(queue.getScheduledMessages())
                .extracting(ref -> String.valueOf(ref.getMessage().getGroupID()))
                .as("back at their slot, they go to the consumer that holds the mailbox's group")
                .containsOnly("statements@example.com");
    }

    @Test
    void a_providers_daily_limit_reply_sets_the_count_to_the_limit_and_the_mail_waits_instead_of_retrying() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.failNextData(1, "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to "
                + "process message due to a permanent exception");
        RelayHarness relay = bed.relay(dir, Map.of("relay.quota.recipients-per-day", 1000));
        relay.drop("statement.eml", "From: statements@example.com\r\nTo: c@example.net\r\nSubject: s\r\n\r\nx\r\n");

        Queue queue = relay.context().hasService(RelayBroker.class).embeddedBroker().orElseThrow().server()
                .locateQueue("relay.outbound");
        DailyQuota quota = relay.context().getRegistry().lookupByNameAndType("relayDailyQuota", DailyQuota.class);
        await(WAIT, () -> quota.usage("statements@example.com").recipients() == 1000,
                () -> "the count set to the limit: " + quota.usage("statements@example.com"));
        // back from its redelivery delay, the message is scheduled for when the window frees, not tried again
        await(WAIT, () -> queue.getScheduledCount() == 1 && quota.usage("statements@example.com").waiting() == 1,
                () -> "the message waiting for the window: " + quota.usage("statements@example.com"));
        Thread.sleep(1500);
        assertThat(hub.messageCount()).isZero();
        assertThat(quota.usage("statements@example.com").lastWaiterAt())
                .isAfter(Instant.now().plus(Duration.ofHours(23)));
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
        // the per-mailbox metrics say the same
        String metrics = RelayMetrics.of(relay.context()).scrape();
        assertThat(metrics).contains("relay_mailbox_recipients{mailbox=\"statements@example.com\"} 1000.0")
                .contains("relay_mailbox_waiting{mailbox=\"statements@example.com\"} 1.0")
                // about 24 hours
                .containsPattern("relay_mailbox_quota_frees_seconds\\{mailbox=\"statements@example.com\"} "
                        + "8[2-6]\\d{3}\\.0");
    }
}
