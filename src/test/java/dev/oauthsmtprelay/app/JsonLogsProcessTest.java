package dev.oauthsmtprelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * {@code relay.log.format=json} in a relay process that delivers a message at DEBUG: every line of its console
 * output and of its log file is one JSON object (parsed with Jackson), and neither holds the client secret, the
 * JMS password or the token the hub received.
 */
class JsonLogsProcessTest {

    private static final String JMS_PASSWORD = "Jms-Pa55word-for-the-log-test";
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_write_one_json_object_per_line_without_secrets() throws Exception {
        Path logFile = dir.resolve("logs").resolve("relay.json");
        Files.createDirectories(logFile.getParent());
        try (TokenServer tokens = new TokenServer();
             XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder()
                     .tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start()) {
            Path credentials = TestCredentials.microsoftFile(dir, tokens);
            try (RelayProcess relay = RelayProcess.forHub(dir, credentials, hub, Map.of("relay.log.format", "json",
                    "relay.log.level", "DEBUG", "relay.log.file", logFile, "relay.broker.password", JMS_PASSWORD))) {
                Files.createDirectories(dir.resolve("spool"));
                Files.writeString(dir.resolve("spool").resolve("m.eml"), "From: billing@example.com\r\n"
                        + "To: customer@example.net\r\nSubject: json logs\r\n\r\nbody\r\n", StandardCharsets.US_ASCII);
                relay.start();
                hub.awaitMessages(1, Duration.ofSeconds(60));
                String token = hub.authAttempts().get(0).token();
                relay.close();

                List<JsonNode> console = parseEachLine(relay.log(), "console");
                List<JsonNode> file = parseEachLine(Files.readString(logFile), logFile.toString());
                for (List<JsonNode> events : List.of(console, file)) {
                    assertThat(events).anySatisfy(e -> assertThat(e.path("formattedMessage").asText())
                            .startsWith("Configuration: ").contains("relay.broker.password = ********"));
                    assertThat(events).anySatisfy(e -> {
                        assertThat(e.path("level").asText()).isEqualTo("INFO");
                        assertThat(e.path("loggerName").asText()).isEqualTo("dev.oauthsmtprelay.delivery.DeliveryOutcome");
                        assertThat(e.path("formattedMessage").asText()).startsWith("Delivered ");
                    });
                    assertThat(events).anySatisfy(e -> assertThat(e.path("level").asText()).isEqualTo("DEBUG"));
                }
                String everything = relay.log() + Files.readString(logFile);
                for (String secret : List.of(TestCredentials.CLIENT_SECRET, JMS_PASSWORD, token)) {
                    assertThat(everything).as("a secret in the logs").doesNotContain(secret);
                }
            }
        }
    }

    private List<JsonNode> parseEachLine(String text, String source) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("lines in " + source).isNotEmpty();
        for (String line : lines) {
            JsonNode event;
            try {
                event = json.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON object in " + source + ": " + line, e);
            }
            assertThat(event.isObject()).as(line).isTrue();
            assertThat(event.path("timestamp").isNumber()).as("timestamp of " + line).isTrue();
            events.add(event);
        }
        return events;
    }
}
