package dev.oauthsmtprelay.delivery;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * Messages over relay.delivery.stream-threshold go from the queue through a file under data/delivery to the hub:
 * the hub gets them byte for byte, a dead letter holds the whole message, and the file is gone afterwards.
 */
class LargeMessageStreamingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int THRESHOLD = 64 * 1024;

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @Test
    void should_send_a_large_message_from_a_file_byte_for_byte_and_delete_the_file() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.setDataReplyDelay(Duration.ofMillis(1500)); // time to see the file while the hub takes the message
        RelayHarness relay = bed.relay(dir, Map.of(RelayKeys.DELIVERY_STREAM_THRESHOLD.name(), THRESHOLD));
        byte[] large = message("large", "customer@example.net", 300 * 1024);
        byte[] small = message("small", "customer@example.net", 10 * 1024);

        relay.drop("large.eml", ascii(large));
        await(WAIT, () -> files(deliveryDir()).size() == 1, () -> "the large message streamed into data/delivery");
        List<XOAuth2SmtpHub.ReceivedMessage> received = hub.awaitMessages(1, WAIT);
        assertThat(received.get(0).data()).isEqualTo(large);
        await(WAIT, () -> files(deliveryDir()).isEmpty(), () -> "the file deleted after delivery: " + files(deliveryDir()));

        relay.drop("small.eml", ascii(small));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (hub.messageCount() < 2 && System.nanoTime() < deadline) {
            assertThat(files(deliveryDir())).as("a message under the threshold stays in memory").isEmpty();
            Thread.sleep(20);
        }
        assertThat(hub.awaitMessages(2, WAIT).get(1).data()).isEqualTo(small);
    }

    @Test
    void should_dead_letter_the_whole_large_message_for_a_refused_recipient_and_delete_the_file() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.rejectRecipient("gone@example.net", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found");
        RelayHarness relay = bed.relay(dir, Map.of(RelayKeys.DELIVERY_STREAM_THRESHOLD.name(), THRESHOLD));
        byte[] large = message("partly refused", "customer@example.net, gone@example.net", 200 * 1024);

        relay.drop("partly.eml", ascii(large));

        assertThat(hub.awaitMessages(1, WAIT).get(0).recipients()).containsExactly("customer@example.net");
        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".eml") == 1, () -> "a dead letter for gone@");
        Path letter = files(relay.deadLetterDir()).stream().filter(f -> f.toString().endsWith(".eml")).findFirst()
                .orElseThrow();
        assertThat(Files.readAllBytes(letter)).isEqualTo(large);
        await(WAIT, () -> files(deliveryDir()).isEmpty(), () -> "the file deleted: " + files(deliveryDir()));
    }

    private Path deliveryDir() {
        return dir.resolve("data").resolve("delivery");
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static List<Path> files(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A complete message (Date and Message-ID present, so intake sends it unchanged) with a base64 body. */
    private static byte[] message(String subject, String to, int approximateSize) {
        StringBuilder text = new StringBuilder("From: billing@example.com\r\nTo: " + to + "\r\nSubject: " + subject
                + "\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + subject.replace(' ', '-')
                + "@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n");
        Random random = new Random(subject.hashCode());
        byte[] line = new byte[57];
        while (text.length() < approximateSize) {
            random.nextBytes(line);
            text.append(java.util.Base64.getEncoder().encodeToString(line)).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
