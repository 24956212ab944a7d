package dev.oauthsmtprelay.ops.health;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.HttpGet;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.queue.BrokerSettings;
import dev.oauthsmtprelay.queue.EmbeddedBroker;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** Health and queue depth of a relay whose queue lives on an external broker (relay.broker.url). */
class ExternalBrokerHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private TokenServer tokenServer;
    private XOAuth2SmtpHub hub;
    private EmbeddedBroker external;
    private RelayHarness relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        if (external != null) {
            external.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (tokenServer != null) {
            tokenServer.close();
        }
    }

    private JsonNode get(int port, String path) throws Exception {
        return JSON.readTree(HttpGet.get(port, path).body());
    }

    @Test
    void should_count_the_external_queue_and_report_the_broker_down_while_it_is_unreachable() throws Exception {
        int brokerPort = FreePort.find();
        external = EmbeddedBroker.start(BrokerSettings.defaults(dir.resolve("broker-host"))
                .withListenUrl("tcp://127.0.0.1:" + brokerPort));
        tokenServer = new TokenServer();
        hub = XOAuth2SmtpHub.builder().start().setSmtpAuthDisabledForTenant(true);
        Path credentials = TestCredentials.microsoftFile(dir, tokenServer);
        int port = FreePort.find();
        relay = new RelayHarness(dir, credentials, hub, Map.of("relay.health.port", port,
                "relay.broker.url", "tcp://127.0.0.1:" + brokerPort)).start();

        for (int i = 0; i < 2; i++) {
            relay.drop("m" + i + ".eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: " + i
                    + "\r\n\r\nx\r\n");
        }

        await(WAIT, () -> {
            try {
                JsonNode status = get(port, "/status");
                return status.path("paused").asBoolean() && status.path("queueDepth").asLong() == 2;
            } catch (Exception e) {
                return false;
            }
        }, () -> "delivery paused and both messages counted in the external queue: "
                + HttpGet.get(port, "/status").body());
        JsonNode status = get(port, "/status");
        assertThat(status.get("inRetry").isNumber()).as("asked through the broker's management address").isTrue();
        assertThat(HttpGet.get(port, "/metrics").body()).contains("relay_queue_depth 2.0");

        external.stop();

        await(WAIT, () -> HttpGet.get(port, "/health/ready").body().contains("Cannot connect to the broker"),
                () -> "the broker check DOWN while the broker is stopped");
        JsonNode broker = get(port, "/health/ready").get("checks").findParents("id").stream()
                .filter(c -> c.get("id").asText().equals("broker")).findFirst().orElseThrow();
        assertThat(broker.get("state").asText()).isEqualTo("DOWN");
        assertThat(broker.get("message").asText()).contains("tcp://127.0.0.1:" + brokerPort)
                .contains("relay.broker.url");
        assertThat(HttpGet.get(port, "/metrics").body()).contains("relay_queue_depth NaN");

        external.start();
        await(WAIT, () -> {
            try {
                return get(port, "/health/ready").get("checks").findParents("id").stream()
                        .anyMatch(c -> c.get("id").asText().equals("broker") && c.get("state").asText().equals("UP"));
            } catch (Exception e) {
                return false;
            }
        }, () -> "the broker check UP again");
    }
}
