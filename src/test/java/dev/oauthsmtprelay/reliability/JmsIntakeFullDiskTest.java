package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import ch.qos.logback.classic.Level;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.queue.BrokerSettings;
import dev.oauthsmtprelay.queue.EmbeddedBroker;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * JMS intake while relay.data.dir is full: the intake stops taking messages (they wait on the intake broker,
 * untouched, instead of being taken and rolled back again and again), says so once, and starts again by itself.
 */
class JmsIntakeFullDiskTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String INTAKE = "mail.in";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @Test
    void the_intake_waits_on_the_intake_broker_while_the_data_directory_is_full_and_resumes_by_itself()
            throws Exception {
        Tmpfs dataFs = bed.closeAfter(Tmpfs.mountOrSkip(dir.resolve("datafs"), "48m", "JMS intake on a full disk"));
        String url = "tcp://127.0.0.1:" + FreePort.find();
        EmbeddedBroker intakeBroker = bed.closeAfter(EmbeddedBroker.start(BrokerSettings.defaults(dir.resolve("intake"))
                .withListenUrl(url)));
        CapturedLog log = bed.closeAfter(CapturedLog.attach());
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.harness(dir, Map.of("relay.data.dir", dataFs.path().resolve("data"),
                "relay.broker.disk-scan-period", "100", "relay.jms.url", url, "relay.jms.queues", INTAKE)).start();
        put(url, 0, 2);
        assertThat(hub.awaitMessages(2, WAIT)).hasSize(2);

        dataFs.fill(dataFs.path().resolve("filler.bin"), 0);
        await(WAIT, () -> log.count(Level.WARN, "The JMS intake stops taking messages") == 1,
                () -> "one warning that the JMS intake stops");
        put(url, 2, 5);
        Thread.sleep(2000);

        assertThat(hub.messageCount()).as("nothing taken while full").isEqualTo(2);
        assertThat(intakeBroker.messageCount(INTAKE)).as("the messages wait on the intake broker").isEqualTo(5);
        assertThat(log.count(Level.WARN, "Could not queue JMS message")).as("no warning per message").isZero();
        assertThat(log.lines(Level.WARN, "The JMS intake stops taking messages")).singleElement().asString()
                .contains("relay.data.dir", "Free space");

        Files.delete(dataFs.path().resolve("filler.bin"));
        assertThat(hub.awaitMessages(7, WAIT)).as("all delivered once there is room").hasSize(7);
        await(WAIT, () -> log.count(Level.INFO, "the JMS intake takes messages again") == 1, () -> "one line at the end");
        await(WAIT, () -> intakeBroker.messageCount(INTAKE) == 0, () -> "the intake queue emptied");
        Thread.sleep(500);
        assertThat(hub.messageCount()).as("each once").isEqualTo(7);
    }

    private static void put(String url, int first, int count) throws Exception {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        try (factory; Connection connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(INTAKE));
            for (int i = first; i < first + count; i++) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(("From: billing@example.com\r\nTo: customer@example.net\r\nSubject: jms " + i
                        + "\r\nMessage-ID: <jms-" + i + "@example.com>\r\n\r\nbody " + i + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                producer.send(message);
            }
            session.commit();
        }
    }
}
