package dev.oauthsmtprelay.intake.jms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.deadletter.DeadLetterSummary;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * End to end: a JMS queue on a real Artemis broker (the relay's embedded one, reached over TCP like any external
 * broker) → delivery queue → real STARTTLS + XOAUTH2 hub.
 */
class JmsIntakeTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String INTAKE = "mail.in";
    private static TokenServer tokenServer;

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;
    private Connection connection;
    private Session session;

    @BeforeAll
    static void startTokenServer() {
        tokenServer = new TokenServer();
    }

    @AfterAll
    static void stopTokenServer() {
        tokenServer.close();
    }

    @BeforeEach
    void start() throws Exception {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.applicationTokens(tokenServer, "tenant")).start();
        Path credentials = TestCredentials.microsoftFile(dir, tokenServer);
        String url = "tcp://127.0.0.1:" + FreePort.find();
        relay = new RelayHarness(dir, credentials, hub, Map.of("relay.broker.listen", url, "relay.jms.url", url,
                "relay.jms.queues", INTAKE + ", other.in", "relay.jms.concurrency", "2")).start();
        connection = new ActiveMQConnectionFactory(url).createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    @AfterEach
    void stop() throws Exception {
        if (connection != null) {
            connection.close();
        }
        relay.close();
        hub.close();
    }

    private void send(Message message) throws Exception {
        try (MessageProducer producer = session.createProducer(session.createQueue(INTAKE))) {
            producer.send(message);
        }
    }

    @Test
    void should_deliver_a_mime_bytes_message_with_the_envelope_from_its_properties() throws Exception {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(("From: Billing <billing@example.com>\r\nTo: customer@example.net\r\n"
                + "Bcc: hidden@example.org\r\nMessage-ID: <jms-1@example.com>\r\nSubject: invoice\r\n\r\nInvoice 42\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        message.setStringProperty(JmsMessageIntake.MAIL_FROM, "ops@example.com");
        message.setStringProperty(JmsMessageIntake.RECIPIENTS, "a@example.net, b@example.net");
        message.setStringProperty("RelayId", "set-by-the-sender"); // must not reach the delivery queue
        send(message);

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.mailFrom()).isEqualTo("ops@example.com");
        assertThat(received.recipients()).containsExactly("a@example.net", "b@example.net");
        assertThat(received.dataAsString()).contains("Message-ID: <jms-1@example.com>").contains("Invoice 42")
                .doesNotContainIgnoringCase("bcc:");
    }

    @Test
    void should_take_the_envelope_from_the_headers_of_a_mime_text_message_without_properties() throws Exception {
        send(session.createTextMessage("From: billing@example.com\r\nTo: customer@example.net\r\n"
                + "Cc: archive@example.org\r\nSubject: text\r\n\r\nplain text body\r\n"));

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.mailFrom()).isEqualTo("billing@example.com");
        assertThat(received.recipients()).containsExactly("customer@example.net", "archive@example.org");
        assertThat(received.dataAsString()).contains("plain text body");
    }

    @Test
    void should_deliver_a_json_text_message() throws Exception {
        send(session.createTextMessage("  \n{\"from\":\"ops@example.com\",\"to\":[\"oncall@example.net\"],"
                + "\"subject\":\"Disk full\",\"text\":\"Volume /data is at 97%\"}"));

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.mailFrom()).isEqualTo("ops@example.com");
        assertThat(received.recipients()).containsExactly("oncall@example.net");
        assertThat(received.dataAsString()).contains("Subject: Disk full").contains("Volume /data is at 97%");
    }

    @Test
    void should_move_invalid_messages_to_the_intake_dead_letter_queue_with_the_reason_and_list_them()
            throws Exception {
        TextMessage noRecipients = session.createTextMessage("From: billing@example.com\r\nSubject: x\r\n\r\nbody\r\n");
        noRecipients.setStringProperty("OrderNumber", "4711");
        send(noRecipients);
        MapMessage map = session.createMapMessage();
        map.setString("to", "someone@example.net");
        send(map);
        send(session.createTextMessage("{\"from\":\"ops@example.com\""));

        List<Message> rejected = receiveAll(RelayKeys.JMS_DEAD_LETTER_QUEUE.defaultValue(), 3);
        assertThat(rejected).hasSize(3);
        Message text = only(rejected, m -> m instanceof TextMessage t && t.getText().contains("Subject: x"));
        assertThat(text.getStringProperty("OrderNumber")).as("the sender's properties are kept").isEqualTo("4711");
        assertThat(text.getStringProperty(JmsRejection.REASON)).containsIgnoringCase("recipient");
        Message mapped = only(rejected, m -> m instanceof MapMessage);
        assertThat(mapped.getStringProperty(JmsRejection.REASON)).contains("MapMessage")
                .contains("BytesMessage or TextMessage");
        Message json = only(rejected, m -> m instanceof TextMessage t && t.getText().startsWith("{"));
        assertThat(json.getStringProperty(JmsRejection.REASON)).isNotBlank();

        List<DeadLetterSummary> letters = new DeadLetterStore(relay.deadLetterDir()).list();
        assertThat(letters).hasSize(3).allSatisfy(letter -> {
            assertThat(letter.source()).isEqualTo("jms:" + INTAKE);
            assertThat(letter.reason()).startsWith("rejected at intake: ");
        });
        assertThat(letters).extracting(DeadLetterSummary::id)
                .containsExactlyInAnyOrderElementsOf(rejected.stream().map(JmsIntakeTest::deadLetterId).toList());
        assertThat(hub.messages()).isEmpty();
    }

    private interface MessageTest {
        boolean matches(Message message) throws Exception;
    }

    private static Message only(List<Message> messages, MessageTest test) throws Exception {
        List<Message> matching = new ArrayList<>();
        for (Message message : messages) {
            if (test.matches(message)) {
                matching.add(message);
            }
        }
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    @Test
    void should_take_from_every_configured_queue_with_one_route_each() throws Exception {
        try (MessageProducer producer = session.createProducer(session.createQueue("other.in"))) {
            producer.send(session.createTextMessage("From: billing@example.com\r\nTo: customer@example.net\r\n"
                    + "Subject: other\r\n\r\nfrom the other queue\r\n"));
        }

        assertThat(hub.awaitMessages(1, WAIT).get(0).dataAsString()).contains("from the other queue");
        assertThat(relay.context().getRoute("relay-jms-intake-" + INTAKE)).isNotNull();
        assertThat(relay.context().getRoute("relay-jms-intake-other.in")).isNotNull();
    }

    private static String deadLetterId(Message message) {
        try {
            return message.getStringProperty(JmsRejection.DEAD_LETTER_ID);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Message> receiveAll(String queue, int atMost) throws Exception {
        List<Message> messages = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (messages.size() < atMost && System.currentTimeMillis() < deadline) {
                Message message = consumer.receive(200);
                if (message != null) {
                    messages.add(message);
                }
            }
        }
        return messages;
    }
}
