package dev.oauthsmtprelay.intake.spool;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.camel.StreamCache;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.app.RelayRoutes;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * .eml spool files of at least relay.delivery.stream-threshold go from the file to the queue as a stream (an Artemis
 * large message) instead of through the heap: with the real embedded broker and the real hub they arrive byte for
 * byte, are rewritten like small ones, are refused into .error/ like small ones, and stay in the spool when the
 * broker cannot take them.
 */
class LargeSpoolFileStreamingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int THRESHOLD = 64 * 1024;
    private static final int LARGE = 3 * 1024 * 1024;

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @Test
    void should_relay_a_large_spool_file_byte_for_byte_through_the_streaming_producer() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.harness(dir, Map.of(RelayKeys.DELIVERY_STREAM_THRESHOLD.name(), THRESHOLD));
        List<Sent> sent = sendsOf(relay.start());
        byte[] large = message(LARGE, "From: billing@example.com", "To: customer@example.net", "Subject: large",
                "Date: Fri, 27 Nov 2026 10:00:00 +0000", "Message-ID: <large@example.com>");

        drop(relay, "large.eml", large);

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.data()).isEqualTo(large);
        assertThat(received.recipients()).containsExactly("customer@example.net");
        await(WAIT, () -> relay.filesIn(relay.spoolDir(), ".eml") == 0, () -> "the spool file deleted");
        Sent queued = sent.stream().filter(s -> s.uri().contains("relay.outbound")).findFirst().orElseThrow();
        assertThat(queued.uri()).contains("artemisStreamingEnabled=true");
        assertThat(queued.body()).as("the body the JMS producer got: a stream of the file, not a copy in memory")
                .isInstanceOf(InputStream.class).isNotInstanceOf(StreamCache.class);
    }

    @Test
    void should_remove_bcc_and_add_message_id_and_date_to_a_large_spool_file() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of(RelayKeys.DELIVERY_STREAM_THRESHOLD.name(), THRESHOLD));
        byte[] large = message(LARGE, "From: billing@example.com", "To: customer@example.net",
                "Bcc: archive@example.net", "Subject: rewritten");

        drop(relay, "rewritten.eml", large);

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.recipients()).containsExactlyInAnyOrder("customer@example.net", "archive@example.net");
        String header = headerSection(received.data());
        assertThat(header).startsWith("From: billing@example.com\r\nTo: customer@example.net\r\nSubject: rewritten\r\n")
                .doesNotContain("Bcc").doesNotContain("archive@")
                .containsPattern("\r\nMessage-ID: <[0-9a-f-]{36}@example\\.com>\r\n")
                .containsPattern("\r\nDate: \\w{3}, \\d{1,2} \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n");
        assertThat(afterHeaderSection(received.data())).as("the body byte for byte")
                .isEqualTo(afterHeaderSection(large));
    }

    @Test
    void should_move_invalid_large_spool_files_to_error_with_their_reason() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of(RelayKeys.DELIVERY_STREAM_THRESHOLD.name(), THRESHOLD,
                RelayKeys.INTAKE_MAX_RECIPIENTS.name(), 3, RelayKeys.INTAKE_MAX_SIZE.name(), 2 * LARGE));

        drop(relay, "nested.eml", nestedTooDeep());
        drop(relay, "crowded.eml", message(LARGE, "From: billing@example.com",
                "To: a@example.net, b@example.net, c@example.net", "Cc: d@example.net"));
        drop(relay, "oversized.eml", message(2 * LARGE + 1, "From: billing@example.com", "To: customer@example.net"));

        await(WAIT, () -> relay.filesIn(relay.errorDir(), ".reason.txt") == 3, () -> "three files in .error");
        assertThat(reason(relay, "nested.eml")).contains("multipart nesting too deep");
        assertThat(reason(relay, "crowded.eml")).contains("too many recipients: 4, the limit is 3");
        assertThat(reason(relay, "oversized.eml")).contains("message too large");
        assertThat(relay.filesIn(relay.errorDir(), ".eml")).isEqualTo(3);
        assertThat(relay.filesIn(relay.spoolDir(), ".eml")).isZero();
        assertThat(hub.messageCount()).isZero();
    }

    @Test
    void should_leave_a_large_spool_file_in_the_spool_when_the_broker_cannot_store_it_and_relay_it_after_a_restart()
            throws Exception {
        CapturedLog log = bed.closeAfter(CapturedLog.attach());
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of(RelayKeys.DELIVERY_STREAM_THRESHOLD.name(), THRESHOLD));
        // Artemis writes each large message to a file of its own in this directory; a plain file in its place makes
        // the send fail on the broker, which then stops itself as after any I/O error on its storage.
        Path largeMessages = dir.resolve("data").resolve("broker").resolve("large-messages");
        assertThat(largeMessages).isDirectory();
        Files.delete(largeMessages);
        Files.writeString(largeMessages, "in the way");
        byte[] large = message(LARGE, "From: billing@example.com", "To: customer@example.net",
                "Date: Fri, 27 Nov 2026 10:00:00 +0000", "Message-ID: <refused@example.com>");

        drop(relay, "refused.eml", large);
        // "Could not queue …" when the send fails before the broker has stopped, "… is not running" after
        await(WAIT, () -> log.lines(Level.WARN, "refused.eml").stream()
                        .anyMatch(line -> line.contains("stays in the spool") || line.contains("wait in the spool")),
                () -> "a warning that refused.eml waits in the spool: " + log.lines(Level.WARN));
        Thread.sleep(1000); // about 10 polls of the spool at 100 ms

        assertThat(relay.filesIn(relay.spoolDir(), ".eml")).as("the file stays in the spool").isEqualTo(1);
        assertThat(relay.filesIn(relay.errorDir(), ".eml")).as("a good file is not moved to .error").isZero();
        assertThat(hub.messageCount()).isZero();

        relay.stop();
        Files.delete(largeMessages);
        Files.createDirectory(largeMessages);
        relay.start();
        assertThat(hub.awaitMessages(1, WAIT).get(0).data()).isEqualTo(large);
        await(WAIT, () -> relay.filesIn(relay.spoolDir(), ".eml") == 0, () -> "the spool file deleted once queued");
        Thread.sleep(500);
        assertThat(hub.messageCount()).as("relayed exactly once").isEqualTo(1);
    }

    @Test
    void should_put_the_same_jms_properties_on_a_streamed_message_as_on_one_from_memory() throws Exception {
        bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of(RelayKeys.DELIVERY_STREAM_THRESHOLD.name(), THRESHOLD));
        relay.context().getRouteController().stopRoute(RelayRoutes.DELIVERY);
        byte[] small = message(10 * 1024, "From: billing@example.com", "To: customer@example.net",
                "Date: Fri, 27 Nov 2026 10:00:00 +0000", "Message-ID: <small@example.com>");
        byte[] large = message(LARGE, "From: billing@example.com", "To: customer@example.net",
                "Date: Fri, 27 Nov 2026 10:00:00 +0000", "Message-ID: <large@example.com>");

        drop(relay, "small.eml", small);
        await(WAIT, () -> relay.filesIn(relay.spoolDir(), ".eml") == 0, () -> "the small file queued");
        drop(relay, "large.eml", large);
        await(WAIT, () -> relay.filesIn(relay.spoolDir(), ".eml") == 0, () -> "the large file queued");

        ConnectionFactory factory = relay.context().getRegistry()
                .lookupByNameAndType("relayProducerConnectionFactory", ConnectionFactory.class);
        try (Connection connection = factory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer consumer = session.createConsumer(session.createQueue("relay.outbound"))) {
            connection.start();
            Message fromMemory = consumer.receive(WAIT.toMillis());
            Message streamed = consumer.receive(WAIT.toMillis());

            assertThat(fromMemory).isInstanceOf(BytesMessage.class);
            assertThat(streamed).isInstanceOf(BytesMessage.class);
            assertThat(streamed.getJMSDeliveryMode()).isEqualTo(fromMemory.getJMSDeliveryMode())
                    .isEqualTo(jakarta.jms.DeliveryMode.PERSISTENT);
            assertThat(relayProperties(streamed).keySet()).isEqualTo(relayProperties(fromMemory).keySet())
                    .containsExactlyInAnyOrder("RelayMailFrom", "RelayRecipients", "RelayMessageId", "RelayId",
                            "RelaySource", "RelayQueuedAt", "RelaySize", "RelayHeaderFrom");
            Map<String, Object> streamedProperties = relayProperties(streamed);
            relayProperties(fromMemory).forEach((name, value) -> assertThat(streamedProperties.get(name))
                    .as(name).isInstanceOf(value.getClass()));
            assertThat(streamed.getStringProperty("RelayMessageId")).isEqualTo("<large@example.com>");
            assertThat(streamed.getStringProperty("RelaySource")).isEqualTo("spool:large.eml");
            assertThat(body((BytesMessage) streamed)).isEqualTo(large);
        }
    }

    private record Sent(String uri, Object body) {
    }

    /** What the relay's routes send to endpoints from now on: the endpoint and the body it was given. */
    private static List<Sent> sendsOf(RelayHarness relay) throws Exception {
        List<Sent> sent = new CopyOnWriteArrayList<>();
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeSendingEvent sending) {
                    sent.add(new Sent(sending.getEndpoint().getEndpointUri(), sending.getExchange().getIn().getBody()));
                }
            }
        };
        notifier.start();
        relay.context().getManagementStrategy().addEventNotifier(notifier);
        return sent;
    }

    private static Map<String, Object> relayProperties(Message message) throws Exception {
        Map<String, Object> properties = new HashMap<>();
        for (Object name : Collections.list(message.getPropertyNames())) {
            if (((String) name).startsWith("Relay")) {
                properties.put((String) name, message.getObjectProperty((String) name));
            }
        }
        return properties;
    }

    private static byte[] body(BytesMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        for (int n = message.readBytes(chunk); n > 0; n = message.readBytes(chunk)) {
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    private static String reason(RelayHarness relay, String name) throws IOException {
        return Files.readString(relay.errorDir().resolve(name + ".reason.txt"));
    }

    /** Writes under a dot-name, then renames, as producers should. */
    private static void drop(RelayHarness relay, String name, byte[] content) throws IOException {
        Files.createDirectories(relay.spoolDir());
        Path temp = relay.spoolDir().resolve("." + name + ".tmp");
        Files.write(temp, content);
        Files.move(temp, relay.spoolDir().resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** CRLF header lines, a blank line and base64 lines up to about {@code size} bytes. */
    static byte[] message(int size, String... headerLines) {
        StringBuilder text = new StringBuilder(String.join("\r\n", headerLines)).append("\r\n\r\n");
        Random random = new Random(size);
        byte[] line = new byte[57];
        while (text.length() < size) {
            random.nextBytes(line);
            text.append(Base64.getEncoder().encodeToString(line)).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** 40 nested multiparts (the limit is 32) behind a large first part. */
    private static byte[] nestedTooDeep() {
        StringBuilder eml = new StringBuilder("From: billing@example.com\r\nTo: customer@example.net\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n--b0\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        Random random = new Random(40);
        byte[] line = new byte[57];
        while (eml.length() < LARGE) {
            random.nextBytes(line);
            eml.append(Base64.getEncoder().encodeToString(line)).append("\r\n");
        }
        for (int i = 1; i <= 40; i++) {
            eml.append("--b").append(i - 1).append("\r\nContent-Type: multipart/mixed; boundary=\"b").append(i)
                    .append("\"\r\n\r\n");
        }
        return eml.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String headerSection(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        return text.substring(0, text.indexOf("\r\n\r\n") + 2);
    }

    private static byte[] afterHeaderSection(byte[] message) {
        int end = new String(message, StandardCharsets.US_ASCII).indexOf("\r\n\r\n") + 2;
        return java.util.Arrays.copyOfRange(message, end, message.length);
    }
}
