package dev.oauthsmtprelay.intake.jms;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.HttpGet;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.queue.BrokerSettings;
import dev.oauthsmtprelay.queue.EmbeddedBroker;

/** /health/ready follows the JMS intake broker: DOWN with the cause and the keys to check while it is unreachable. */
class JmsIntakeHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @Test
    void should_report_the_intake_broker_down_while_it_is_unreachable_and_up_again_after() throws Exception {
        String url = "tcp://127.0.0.1:" + FreePort.find();
        EmbeddedBroker intakeBroker = bed.closeAfter(EmbeddedBroker.start(
                BrokerSettings.defaults(dir.resolve("intake-broker")).withListenUrl(url)));
        int healthPort = FreePort.find();
        bed.relay(dir, Map.of("relay.health.port", healthPort, "relay.jms.url", url,
                "relay.jms.queues", "mail.in"));

        await(WAIT, () -> state(healthPort).filter("UP"::equals).isPresent(), () -> "jms-intake UP");
        JsonNode check = intakeCheck(healthPort).orElseThrow();
        assertThat(check.toString()).contains(url).contains("mail.in");

        intakeBroker.stop();

        await(WAIT, () -> state(healthPort).filter("DOWN"::equals).isPresent(), () -> "jms-intake DOWN");
        assertThat(intakeCheck(healthPort).orElseThrow().get("message").asText())
                .contains("Cannot connect to the JMS intake broker " + url)
                .contains("Messages on mail.in wait there")
                .contains("relay.jms.url");
        assertThat(HttpGet.get(healthPort, "/health/ready").statusCode()).isEqualTo(503);

        intakeBroker.start();

        await(WAIT, () -> state(healthPort).filter("UP"::equals).isPresent(), () -> "jms-intake UP again");
    }

    private static Optional<String> state(int port) {
        return intakeCheck(port).map(check -> check.get("state").asText());
    }

    private static Optional<JsonNode> intakeCheck(int port) {
        try {
            return JSON.readTree(HttpGet.get(port, "/health/ready").body()).get("checks").findParents("id").stream()
                    .filter(c -> c.get("id").asText().equals("jms-intake")).findFirst();
        } catch (Exception notAnsweringYet) {
            return Optional.empty();
        }
    }
}
