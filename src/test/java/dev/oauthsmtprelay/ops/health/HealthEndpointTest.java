package dev.oauthsmtprelay.ops.health;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.RelayVersion;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.HttpGet;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** The health, metrics and status endpoints of a running relay, over real HTTP. */
class HealthEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;
    private int port;

    private void startRelay(Map<String, Object> extra) {
        hub = bed.hub();
        port = FreePort.find();
        java.util.Map<String, Object> settings = new java.util.HashMap<>(extra);
        settings.put("relay.health.port", port);
        relay = bed.relay(dir, settings);
    }

    private static String eml(String body) {
        return "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: test\r\n\r\n" + body + "\r\n";
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void should_answer_ready_with_every_check_up_when_the_relay_runs() throws Exception {
        startRelay(Map.of());

        HttpResponse<String> ready = HttpGet.get(port, "/health/ready");
        HttpResponse<String> live = HttpGet.get(port, "/health/live");
        HttpResponse<String> all = HttpGet.get(port, "/health");

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        assertThat(json(ready).get("status").asText()).isEqualTo("UP");
        assertThat(json(ready).get("checks").findValuesAsText("id")).containsExactlyInAnyOrder("broker",
                "credentials", "delivery", "spool-intake");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(json(live).get("checks").findValuesAsText("id")).containsExactly("alive");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(json(all).get("checks").findValuesAsText("id")).hasSize(5);
    }

    @Test
    void should_turn_not_ready_with_the_reason_while_delivery_is_paused_and_ready_again_after_the_fix()
            throws Exception {
        startRelay(Map.of());
        hub.setSmtpAuthDisabledForTenant(true);

        relay.drop("m.eml", eml("paused"));

        await(WAIT, () -> HttpGet.get(port, "/health/ready").statusCode() == 503, () -> "/health/ready answering 503");
        JsonNode ready = json(HttpGet.get(port, "/health/ready"));
        assertThat(ready.get("status").asText()).isEqualTo("DOWN");
        JsonNode delivery = ready.get("checks").findParents("id").stream()
                .filter(c -> c.get("id").asText().equals("delivery")).findFirst().orElseThrow();
        assertThat(delivery.get("state").asText()).isEqualTo("DOWN");
        assertThat(delivery.get("message").asText()).contains("paused").contains("5.7.139", "for the Tenant");
        assertThat(HttpGet.get(port, "/health/live").statusCode()).as("a paused relay is still alive").isEqualTo(200);
        JsonNode status = json(HttpGet.get(port, "/status"));
        assertThat(status.get("paused").asBoolean()).isTrue();
        assertThat(status.get("pauseReason").asText()).contains("5.7.139");
        assertThat(status.get("queueDepth").asLong()).isEqualTo(1);

        hub.setSmtpAuthDisabledForTenant(false);

        await(WAIT, () -> HttpGet.get(port, "/health/ready").statusCode() == 200, () -> "/health/ready back to 200");
        hub.awaitMessages(1, WAIT);
    }

    @Test
    void should_count_deliveries_dead_letters_rejections_and_token_requests_in_prometheus_format() {
        startRelay(Map.of());
        hub.failNextData(1, "554 5.6.0 Message rejected: content not allowed");

        relay.drop("refused.eml", eml("refused"));
        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "one dead letter");
        relay.drop("accepted.eml", eml("accepted"));
        hub.awaitMessages(1, WAIT);
        relay.drop("broken.json", "{\"from\": ");
        await(WAIT, () -> relay.filesIn(relay.errorDir(), ".reason.txt") == 1, () -> "one rejected file");

        await(WAIT, () -> HttpGet.get(port, "/metrics").body().contains("relay_messages_delivered_total 1.0"),
                () -> "delivered counter at 1 in:\n" + HttpGet.get(port, "/metrics").body());
        HttpResponse<String> metrics = HttpGet.get(port, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));
        assertThat(metrics.body())
                .contains("relay_messages_received_total{source=\"spool\"} 2.0")
                .contains("relay_messages_dead_lettered_total 1.0")
                .contains("relay_messages_rejected_total 1.0")
                .contains("relay_messages_retried_total 0.0")
                .contains("relay_token_requests_total 1.0")
                .contains("relay_token_failures_total 0.0")
                .contains("relay_delivery_duration_seconds_count 1")
                .contains("relay_queue_depth 0.0")
                .contains("relay_dead_letters 1.0")
                .contains("relay_delivery_paused 0.0")
                .contains("relay_build_info{version=\"" + RelayVersion.get() + "\"} 1\n")
                .contains("jvm_memory_used_bytes{area=\"heap\"")
                .contains("jvm_gc_")
                .contains("jvm_threads_live_threads ")
                .contains("process_cpu_usage ")
                .contains("process_uptime_seconds ")
                .contains("process_files_open_files ");
        assertThat(RelayVersion.get()).as("the version from the build").isEqualTo(System.getProperty(
                "relay.version"));
    }

    @Test
    void should_count_a_retry_after_a_transient_failure() {
        startRelay(Map.of());
        hub.failNextData(1, "451 4.3.0 Temporary server error. Please try again later");

        relay.drop("later.eml", eml("later"));
        hub.awaitMessages(1, WAIT);

        await(WAIT, () -> HttpGet.get(port, "/metrics").body().contains("relay_messages_delivered_total 1.0"),
                () -> "delivered counter at 1");
        assertThat(HttpGet.get(port, "/metrics").body()).contains("relay_messages_retried_total 1.0");
    }

    @Test
    void should_show_token_expiry_per_key_but_never_the_token_in_status() throws Exception {
        startRelay(Map.of());
        relay.drop("a.eml", eml("a"));
        String token = hub.awaitMessages(1, WAIT).get(0).token();

        HttpResponse<String> response = HttpGet.get(port, "/status");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode status = json(response);
        assertThat(status.get("paused").asBoolean()).isFalse();
        assertThat(status.get("deadLetters").asInt()).isZero();
        assertThat(status.get("tokens")).hasSize(1);
        assertThat(status.get("tokens").get(0).get("expiresAt").asText()).matches("\\d{4}-.*Z");
        assertThat(response.body()).doesNotContain(token);
    }
}
