package dev.oauthsmtprelay.app;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** The route files of routes/ as the relay loads them, and an operator's own files from relay.routes.dir. */
class RouteFilesTest {

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    @Test
    void should_load_every_stage_and_only_the_optional_parts_that_are_switched_on() {
        try (CapturedLog log = CapturedLog.attach()) {
            RelayHarness relay = bed.relay(dir, Map.of());

            assertThat(relay.context().getRoutes()).extracting(Route::getRouteId).containsExactlyInAnyOrder(
                    RelayRoutes.SPOOL_INTAKE, RelayRoutes.DELIVERY, RelayRoutes.DEAD_LETTER, RelayRoutes.RETENTION);
            assertThat(log.lines(Level.WARN, "YAML DSL")).as("the route files are in canonical YAML DSL").isEmpty();
        }
    }

    @Test
    void should_add_the_http_endpoint_the_digest_and_notifications_when_configured() {
        RelayHarness relay = bed.relay(dir, Map.of("relay.health.port", FreePort.find(),
                "relay.admin-address", "postmaster@example.com", "relay.dsn.enabled", "true",
                "relay.default-sender", "relay@example.com", "relay.retention.cron", ""));

        assertThat(relay.context().getRoutes()).extracting(Route::getRouteId).contains("relay-health",
                "relay-metrics", "relay-status", RelayRoutes.DIGEST, "relay-dead-letter-dsn")
                .doesNotContain(RelayRoutes.RETENTION);
    }

    @Test
    void should_move_a_queued_spool_file_to_the_archive_instead_of_deleting_it_when_an_archive_is_set()
            throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        Path archive = dir.resolve("archive");
        RelayHarness relay = bed.relay(dir, Map.of("relay.spool.archive-dir", archive.toString()));

        Path dropped = relay.drop("kept.eml",
                "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: kept\r\n\r\nbody\r\n");

        hub.awaitMessages(1, Duration.ofSeconds(15));
        await(Duration.ofSeconds(10), () -> Files.exists(archive.resolve("kept.eml")) && !Files.exists(dropped),
                () -> "kept.eml moved from the spool into " + archive);
    }

    @Test
    void should_run_an_operators_route_file_from_relay_routes_dir_next_to_the_relays_routes() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        Path routes = Files.createDirectories(dir.resolve("my-routes"));
        Path scanner = Files.createDirectories(dir.resolve("scanner"));
        Files.writeString(routes.resolve("scanner-to-spool.yaml"), """
                - route:
                    id: scanner-to-spool
                    from:
                      uri: "file:%s"
                      parameters:
                        include: ".*\\\\.eml"
                      steps:
                        - to:
                            uri: "file:{{relay.spool.dir}}"
                            parameters:
                              tempFileName: ".${file:name}.tmp"
                """.formatted(scanner.toAbsolutePath()));
        RelayHarness relay = bed.relay(dir, Map.of(RelayKeys.ROUTES_DIR.name(), routes.toString()));

        Files.writeString(scanner.resolve("scan.eml"),
                "From: scanner@example.com\r\nTo: office@example.net\r\nSubject: scan\r\n\r\npage 1\r\n");

        assertThat(hub.awaitMessages(1, Duration.ofSeconds(15)).get(0).dataAsString()).contains("page 1");
        assertThat(relay.context().getRoute("scanner-to-spool")).isNotNull();
    }

    @Test
    void should_not_start_when_an_operators_route_file_does_not_load_and_name_the_file() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("my-routes"));
        Files.writeString(routes.resolve("broken.yaml"), "- route:\n    id: broken\n    from:\n      nosuch: x\n");
        RelayHarness relay = bed.harness(dir, Map.of(RelayKeys.ROUTES_DIR.name(), routes.toString()));

        assertThatThrownBy(relay::start).hasStackTraceContaining("broken.yaml");
    }

    @Test
    void should_not_start_when_relay_routes_dir_is_not_a_directory() {
        RelayHarness relay = bed.harness(dir, Map.of(RelayKeys.ROUTES_DIR.name(), dir.resolve("missing").toString()));

        assertThatThrownBy(relay::start).hasStackTraceContaining("relay.routes.dir")
                .hasStackTraceContaining("is not a directory");
    }
}
