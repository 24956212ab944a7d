package dev.oauthsmtprelay.delivery.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * Receipts for JMS producers, end to end: a producer on a real Artemis broker (the relay's embedded one, reached over
 * TCP like any intake broker) sets JMSReplyTo; the relay delivers to the real STARTTLS + XOAUTH2 hub and sends one
 * JSON receipt per message back, with the producer's JMSCorrelationID.
 */
class JmsReceiptsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String INTAKE = "mail.in";
    private static final String REPLIES = "mail.receipts";

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    private String url;
    private Connection connection;
    private Session session;

    @AfterEach
    void close() throws Exception {
        if (connection != null) {
            connection.close();
        }
    }

    @Test
    void a_delivered_message_gets_one_receipt_with_the_producers_correlation_id() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        start(Map.of());

        send("customer@example.net", "order-42", true);

        hub.awaitMessages(1, WAIT);
        Message reply = receive(REPLIES);
        assertThat(reply.getJMSCorrelationID()).isEqualTo("order-42");
        JsonNode receipt = json(reply);
        assertThat(receipt.path("outcome").asText()).isEqualTo("delivered");
        assertThat(receipt.path("correlationId").asText()).isEqualTo("order-42");
        assertThat(receipt.path("relayId").asText()).isNotBlank().isEqualTo(reply.getStringProperty("RelayId"));
        assertThat(receipt.path("accepted").toString()).contains("customer@example.net");
        assertThat(receipt.path("rejected").size()).isZero();
        assertThat(receipt.path("reply").asText()).startsWith("250");
        assertThat(receipt.path("mailbox").asText()).isEqualTo("billing@example.com");
        assertThat(receiveNothing(REPLIES)).as("exactly one receipt").isTrue();
    }

    @Test
    void a_partly_delivered_message_lists_the_refused_recipient_with_the_hubs_reply() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.rejectRecipient("gone@example.net", "550 5.1.1 <gone@example.net>: no such user");
        start(Map.of());

        send("customer@example.net, gone@example.net", "order-43", true);

        JsonNode receipt = json(receive(REPLIES));
        assertThat(receipt.path("outcome").asText()).isEqualTo("partly-delivered");
        assertThat(receipt.path("accepted").toString()).contains("customer@example.net");
        JsonNode refused = receipt.path("rejected").get(0);
        assertThat(refused.path("recipient").asText()).isEqualTo("gone@example.net");
        assertThat(refused.path("reply").asText()).contains("550 5.1.1");
        assertThat(refused.path("final").asBoolean()).isTrue();
    }

    @Test
    void a_dead_letter_gets_a_receipt_with_the_reason() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.failNextData(1, "554 5.6.0 Message refused");
        start(Map.of());

        send("customer@example.net", "order-44", true);

        JsonNode receipt = json(receive(REPLIES));
        assertThat(receipt.path("outcome").asText()).isEqualTo("dead-letter");
        assertThat(receipt.path("reply").asText()).contains("554 5.6.0");
        assertThat(receipt.path("reason").asText()).isNotBlank();
        assertThat(receipt.path("rejected").get(0).path("recipient").asText()).isEqualTo("customer@example.net");
    }

    @Test
    void without_reply_to_the_receipt_goes_to_relay_jms_receipts_correlated_by_message_id() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        start(Map.of("relay.jms.receipts", "all.receipts"));

        String messageId = send("customer@example.net", null, false);

        hub.awaitMessages(1, WAIT);
        Message reply = receive("all.receipts");
        assertThat(reply.getJMSCorrelationID()).isEqualTo(messageId);
        assertThat(json(reply).path("outcome").asText()).isEqualTo("delivered");
    }

    @Test
    void a_receipt_queued_before_a_restart_is_sent_after_it() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = start(Map.of());
        relay.context().getRouteController().stopRoute("relay-receipts");

        send("customer@example.net", "order-45", true);
        hub.awaitMessages(1, WAIT);
        assertThat(receiveNothing(REPLIES)).isTrue();
        connection.close();
        relay.stop();
        relay.start();
        connect();

        assertThat(json(receive(REPLIES)).path("correlationId").asText()).isEqualTo("order-45");
        assertThat(receiveNothing(REPLIES)).isTrue();
        assertThat(hub.messageCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------------------

    private RelayHarness start(Map<String, Object> extra) throws Exception {
        String url = "tcp://127.0.0.1:" + FreePort.find();
        Map<String, Object> settings = new HashMap<>(Map.of("relay.broker.listen", url, "relay.jms.url", url,
                "relay.jms.queues", INTAKE));
        settings.putAll(extra);
        RelayHarness relay = bed.relay(dir, settings);
        this.url = url;
        connect();
        return relay;
    }

    /** The producer's connection to the intake broker, which is the relay's own here: it closes with the relay. */
    private void connect() throws Exception {
        connection = new ActiveMQConnectionFactory(url).createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    /** @return the JMSMessageID the broker gave the message */
    private String send(String recipients, String correlation, boolean replyTo) throws Exception {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(("From: Billing <billing@example.com>\r\nTo: " + recipients + "\r\nSubject: order\r\n\r\n"
                + "Your order\r\n").getBytes(StandardCharsets.US_ASCII));
        if (correlation != null) {
            message.setJMSCorrelationID(correlation);
        }
        if (replyTo) {
            message.setJMSReplyTo(session.createQueue(REPLIES));
        }
        try (MessageProducer producer = session.createProducer(session.createQueue(INTAKE))) {
            producer.send(message);
        }
        return message.getJMSMessageID();
    }

    private Message receive(String queue) throws Exception {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message message = consumer.receive(WAIT.toMillis());
            assertThat(message).as("a receipt on " + queue).isNotNull();
            return message;
        }
    }

    private boolean receiveNothing(String queue) throws Exception {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            return consumer.receive(1500) == null;
        }
    }

    private static JsonNode json(Message message) throws Exception {
        return new ObjectMapper().readTree(((TextMessage) message).getText());
    }
}
