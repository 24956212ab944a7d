package dev.oauthsmtprelay.intake.jms;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.TransportConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * JMS intake from ActiveMQ Classic over OpenWire: an embedded Classic broker (KahaDB on disk) on 127.0.0.1, the
 * vendor's {@code ActiveMQConnectionFactory} bound as a bean and named by {@code relay.jms.connection-factory} (as
 * docs/jms.md shows), the whole relay, and the real STARTTLS + XOAUTH2 hub receiving the mail.
 */
class ActiveMqClassicIntakeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String INTAKE = "mail.outgoing";

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    private int port;
    private BrokerService broker;
    private Connection producerConnection;

    @AfterEach
    void stop() throws Exception {
        if (producerConnection != null) {
            producerConnection.close();
        }
        if (broker != null) {
            broker.stop();
            broker.waitUntilStopped();
        }
    }

    @Test
    void mime_and_json_bodies_with_the_envelope_from_properties_reach_the_hub() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        startBroker();
        relay();
        Session session = producerSession();

        BytesMessage mime = session.createBytesMessage();
        mime.writeBytes(("From: Billing <billing@example.com>\r\nTo: customer@example.net\r\nSubject: invoice\r\n"
                + "Message-ID: <classic-1@example.com>\r\n\r\nInvoice 42\r\n").getBytes(StandardCharsets.US_ASCII));
        mime.setStringProperty(JmsMessageIntake.RECIPIENTS, "a@example.net; b@example.net");
        send(session, mime);
        send(session, session.createTextMessage("{\"from\":\"ops@example.com\",\"to\":[\"oncall@example.net\"],"
                + "\"subject\":\"disk full\",\"text\":\"/var at 97 %\"}"));

        List<XOAuth2SmtpHub.ReceivedMessage> received = hub.awaitMessages(2, WAIT);
        assertThat(received).anySatisfy(m -> {
            assertThat(m.recipients()).containsExactly("a@example.net", "b@example.net");
            assertThat(m.dataAsString()).contains("Message-ID: <classic-1@example.com>", "Invoice 42");
        });
        assertThat(received).anySatisfy(m -> {
            assertThat(m.mailFrom()).isEqualTo("ops@example.com");
            assertThat(m.dataAsString()).contains("Subject: disk full");
        });
    }

    @Test
    void a_poison_message_goes_to_the_rejection_queue_with_its_reason_and_good_ones_keep_flowing() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        startBroker();
        relay();
        Session session = producerSession();

        send(session, session.createTextMessage("{\"from\": \"ops@example.com\", \"to\": "));
        send(session, session.createTextMessage("{\"from\":\"ops@example.com\",\"to\":[\"oncall@example.net\"],"
                + "\"subject\":\"after the poison\",\"text\":\"still flowing\"}"));

        hub.awaitMessages(1, WAIT);
        try (MessageConsumer rejected = session.createConsumer(session.createQueue("relay.intake.invalid"))) {
            Message message = rejected.receive(WAIT.toMillis());
            assertThat(message).as("the poison message on relay.intake.invalid").isNotNull();
            assertThat(message.getStringProperty("RelayRejectReason")).contains("not valid JSON");
            assertThat(message.getStringProperty("RelayDeadLetterId")).isNotBlank();
        }
    }

    @Test
    void messages_put_while_the_relay_is_down_wait_on_the_classic_queue_and_are_taken_once_it_runs() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        startBroker();
        RelayHarness relay = relay();
        Session session = producerSession();
        relay.stop();

        for (int i = 0; i < 5; i++) {
            send(session, mimeMessage(session, "while down " + i));
        }
        assertThat(queueSize(INTAKE)).isEqualTo(5);
        relay.start();

        await(WAIT, () -> distinctSubjects(hub) == 5, () -> distinctSubjects(hub) + " of 5 delivered");
        await(WAIT, () -> queueSize(INTAKE) == 0, () -> "the Classic queue is empty once the relay has them");
        assertThat(hub.messageCount()).isEqualTo(5);
    }

    @Test
    void a_classic_broker_restart_during_intake_loses_nothing() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        startBroker();
        relay();
        Session session = producerSession();
        for (int i = 0; i < 20; i++) {
            send(session, mimeMessage(session, "before " + i));
        }
        hub.awaitMessages(1, WAIT);

        producerConnection.close();
        producerConnection = null;
        broker.stop();
        broker.waitUntilStopped();
        startBroker(); // same port, same KahaDB directory: what it had not handed over is still there
        session = producerSession();
        for (int i = 0; i < 20; i++) {
            send(session, mimeMessage(session, "after " + i));
        }

        await(WAIT, () -> distinctSubjects(hub) == 40, () -> distinctSubjects(hub) + " of 40 distinct messages");
        await(WAIT, () -> queueSize(INTAKE) == 0, () -> "the Classic queue drains");
    }

    // ------------------------------------------------------------------------------------------------------------

    private void startBroker() throws Exception {
        if (port == 0) {
            port = FreePort.find();
        }
        broker = new BrokerService();
        broker.setBrokerName("classic");
        broker.setDataDirectoryFile(dir.resolve("classic").toFile());
        broker.setPersistent(true);
        broker.setUseJmx(false);
        broker.setAdvisorySupport(false);
        TransportConnector connector = broker.addConnector(URI.create("tcp://127.0.0.1:" + port));
        connector.setName("openwire");
        broker.start();
        broker.waitUntilStarted();
    }

    private RelayHarness relay() {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(
                "failover:(tcp://127.0.0.1:" + port + ")?initialReconnectDelay=100&maxReconnectDelay=1000");
        factory.getPrefetchPolicy().setQueuePrefetch(1);
        RedeliveryPolicy redelivery = factory.getRedeliveryPolicy();
        redelivery.setInitialRedeliveryDelay(100);
        redelivery.setMaximumRedeliveries(-1);
        return bed.harness(dir, Map.of("relay.jms.connection-factory", "#classicFactory",
                "relay.jms.queues", INTAKE, "relay.jms.concurrency", "2"))
                .bind("classicFactory", factory).start();
    }

    private Session producerSession() throws Exception {
        producerConnection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection();
        producerConnection.start();
        return producerConnection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    private static void send(Session session, Message message) throws Exception {
        try (MessageProducer producer = session.createProducer(session.createQueue(INTAKE))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(message);
        }
    }

    private static BytesMessage mimeMessage(Session session, String subject) throws Exception {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(("From: billing@example.com\r\nTo: customer@example.net\r\nSubject: " + subject
                + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
        return message;
    }

    private long queueSize(String queue) {
        try {
            return broker.getDestination(new org.apache.activemq.command.ActiveMQQueue(queue))
                    .getDestinationStatistics().getMessages().getCount();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long distinctSubjects(XOAuth2SmtpHub hub) {
        return hub.messages().stream().map(m -> m.dataAsString().replaceAll("(?s).*Subject: ([^\r\n]*).*", "$1"))
                .distinct().count();
    }
}
