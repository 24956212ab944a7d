package dev.oauthsmtprelay.delivery.receipt;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.SharedBrokerCluster;

/**
 * The receipt's bound under kill -9: the relay process is killed with SIGKILL right as the hub takes the message
 * (before or after its 250 reaches the relay, before or after the receipt is queued; where exactly is a race). After
 * a restart the producer has its receipt, at most twice, and a second one carries the same relay id.
 */
class KilledRelayReceiptTest {

    private static final String REPLIES = "mail.receipts";

    @TempDir
    Path dir;

    @Test
    void a_relay_killed_as_the_hub_takes_the_message_still_sends_its_receipt_after_the_restart() throws Exception {
        try (SharedBrokerCluster cluster = new SharedBrokerCluster(dir)) {
            RelayProcess relay = cluster.startRelays(Map.of(), "relay-kill").get(0);
            AtomicBoolean killed = new AtomicBoolean();
            cluster.whenHubReceives(() -> {
                if (killed.compareAndSet(false, true)) {
                    // a few milliseconds later: the 250 may or may not reach the relay first
                    CompletableFuture.runAsync(() -> {
                        try {
                            relay.kill();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
                }
            });
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(cluster.brokerUrl());
            try (factory; Connection connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(("From: billing@example.com\r\nTo: customer@example.net\r\nSubject: killed\r\n"
                        + "Message-ID: <kill-1@example.com>\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
                message.setJMSCorrelationID("kill-1");
                message.setJMSReplyTo(session.createQueue(REPLIES));
                try (MessageProducer producer = session.createProducer(
                        session.createQueue(SharedBrokerCluster.INTAKE_QUEUE))) {
                    producer.send(message);
                }
                await(Duration.ofSeconds(60), () -> killed.get() && !relay.isAlive(), () -> "the relay was killed");

                relay.start();
                List<JsonNode> receipts = new ArrayList<>();
                try (MessageConsumer consumer = session.createConsumer(session.createQueue(REPLIES))) {
                    Message first = consumer.receive(Duration.ofSeconds(90).toMillis());
                    assertThat(first).as("a receipt after the restart; log:\n" + relay.logTail()).isNotNull();
                    receipts.add(json(first));
                    for (Message more = consumer.receive(5000); more != null; more = consumer.receive(5000)) {
                        receipts.add(json(more));
                    }
                }
                System.out.printf("[reliability] receipt under kill -9: %d receipt(s), hub took the message %d "
                        + "time(s)%n", receipts.size(), cluster.receivedTotal());
                assertThat(receipts).hasSizeBetween(1, 2);
                assertThat(receipts).extracting(r -> r.path("relayId").asText()).containsOnly(
                        receipts.get(0).path("relayId").asText());
                assertThat(receipts).allSatisfy(r -> {
                    assertThat(r.path("correlationId").asText()).isEqualTo("kill-1");
                    assertThat(r.path("outcome").asText()).isEqualTo("delivered");
                });
                assertThat(cluster.receivedTotal()).isBetween(1, 2);
            } finally {
                relay.close();
            }
        }
    }

    private static JsonNode json(Message message) throws Exception {
        return new ObjectMapper().readTree(((TextMessage) message).getText());
    }
}
