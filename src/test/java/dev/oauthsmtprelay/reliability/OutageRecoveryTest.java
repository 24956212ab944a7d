package dev.oauthsmtprelay.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.ProviderErrorEndpoint;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * Outages of the two servers the relay depends on, each counted at the server: messages stay
 * queued, nothing becomes a dead letter, the relay's attempts during the outage stay bounded, and
 * everything is delivered once the server is back.
 */
class OutageRecoveryTest {

    private static final int MESSAGES = 5;
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;

    @Test
    void should_keep_messages_queued_while_the_hub_refuses_connections_then_answers_421_and_deliver_after() throws Exception {
        int port = FreePort.find();
        hub = bed.hub(builder -> builder.port(port));
        relay = bed.relay(dir, Map.of());
        hub.close(); // connection refused from now on

        dropMessages();
        Thread.sleep(OUTAGE.toMillis());
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).as("dead letters while refused").isZero();
        assertThat(relay.filesIn(relay.spoolDir(), ".eml")).as("all taken from the spool and queued").isZero();

        hub = bed.hub(builder -> builder.port(port));
        hub.greetNextConnectionsWith(10_000, "421 4.3.2 Service not available, closing transmission channel");
        Thread.sleep(OUTAGE.toMillis());
        int connectionsWhile421 = hub.connectionCount();
        assertThat(hub.messageCount()).isZero();
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).as("dead letters while 421").isZero();

        hub.clearScripts();
        assertThat(hub.awaitMessages(MESSAGES, WAIT)).hasSize(MESSAGES);
        Thread.sleep(300);
        System.out.printf("[reliability] hub outage: messages=%d, connections during %d ms of 421=%d, delivered=%d,"
                + " dead letters=%d%n", MESSAGES, OUTAGE.toMillis(), connectionsWhile421, hub.messageCount(),
                relay.filesIn(relay.deadLetterDir(), ".json"));
        // Without back-off and the delivery pause, 2 consumers would reconnect in a tight loop (hundreds in 3 s).
        assertThat(connectionsWhile421).as("connection attempts during the 421 phase").isBetween(1, 40);
        assertThat(hub.messageCount()).as("no duplicates").isEqualTo(MESSAGES);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }

    @Test
    void should_keep_messages_queued_while_the_token_endpoint_fails_with_bounded_requests_and_deliver_after()
            throws Exception {
        hub = bed.hub();
        try (ProviderErrorEndpoint endpoint = new ProviderErrorEndpoint()) {
            for (int i = 0; i < 1000; i++) {
                if (i % 2 == 0) {
                    endpoint.answerNextWith(503, "{\"error\":\"temporarily_unavailable\"}");
                } else {
                    endpoint.answerNextWith(429, "{\"error\":\"too_many_requests\"}", "Retry-After", "1");
                }
            }
            Path credentials = TestCredentials.write(dir, "o365.json",
                    TestCredentials.microsoftFields(endpoint.url(), "example.com"));
            relay = bed.harness(dir, credentials, Map.of("relay.token.backoff.initial", "200",
                    "relay.token.backoff.max", "1s")).start();

            dropMessages();
            Thread.sleep(OUTAGE.toMillis());
            int requestsDuringOutage = endpoint.requestCount();
            assertThat(hub.messageCount()).isZero();
            assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).as("dead letters during the outage").isZero();

            endpoint.clearAnswers();
            endpoint.passThroughTo(bed.tokens().tokenEndpoint("tenant"));
            assertThat(hub.awaitMessages(MESSAGES, WAIT)).hasSize(MESSAGES);
            Thread.sleep(300);
            System.out.printf("[reliability] token outage: messages=%d, token requests during %d ms of 503/429=%d,"
                    + " delivered=%d, dead letters=%d%n", MESSAGES, OUTAGE.toMillis(), requestsDuringOutage,
                    hub.messageCount(), relay.filesIn(relay.deadLetterDir(), ".json"));
            // One token key (the application) and a doubling back-off from 200 ms: a handful, not one per message try.
            assertThat(requestsDuringOutage).as("token requests during the outage").isBetween(1, 15);
            assertThat(hub.messageCount()).isEqualTo(MESSAGES);
            assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
        }
    }

    private void dropMessages() {
        for (int i = 0; i < MESSAGES; i++) {
            relay.drop("outage-" + i + ".eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: outage "
                    + i + "\r\n\r\nbody " + i + "\r\n");
        }
    }
}
