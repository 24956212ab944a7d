package dev.oauthsmtprelay.delivery.receipt;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** relay.spool.receipts-dir: every spool file gets {@code <name>.receipt.json} once its outcome is known. */
class SpoolReceiptsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    @Test
    void each_spool_file_gets_its_receipt_file_for_delivery_and_for_a_dead_letter() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.rejectRecipient("gone@example.net", "550 5.1.1 <gone@example.net>: no such user");
        Path receipts = dir.resolve("receipts");
        RelayHarness relay = bed.relay(dir, Map.of("relay.spool.receipts-dir", receipts));

        relay.drop("invoice.eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: Invoice\r\n\r\n42\r\n");
        relay.drop("lost.eml", "From: billing@example.com\r\nTo: gone@example.net\r\nSubject: Lost\r\n\r\n43\r\n");

        JsonNode delivered = awaitReceipt(receipts.resolve("invoice.eml.receipt.json"));
        assertThat(delivered.path("outcome").asText()).isEqualTo("delivered");
        assertThat(delivered.path("correlationId").asText()).isEqualTo("invoice.eml");
        assertThat(delivered.path("accepted").toString()).contains("customer@example.net");
        JsonNode lost = awaitReceipt(receipts.resolve("lost.eml.receipt.json"));
        assertThat(lost.path("outcome").asText()).isEqualTo("dead-letter");
        assertThat(lost.path("rejected").get(0).path("reply").asText()).contains("550 5.1.1");
        try (var files = Files.list(receipts)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "invoice.eml.receipt.json", "lost.eml.receipt.json");
        }
        assertThat(hub.messageCount()).isEqualTo(1);
    }

    private static JsonNode awaitReceipt(Path file) throws Exception {
        await(WAIT, () -> Files.exists(file), () -> file + " is written");
        return new ObjectMapper().readTree(Files.readString(file));
    }
}
