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
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;
import dev.oauthsmtprelay.ops.status.StatusReport;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
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
}
