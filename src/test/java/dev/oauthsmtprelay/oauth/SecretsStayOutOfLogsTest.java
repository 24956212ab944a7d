package dev.oauthsmtprelay.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import dev.oauthsmtprelay.app.cli.RelayCli;
import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.fixtures.ProviderErrorEndpoint;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;

/**
 * Runs the token flows (successes, provider errors, the token command) with every relay, Camel and
 * Nimbus logger at TRACE, and checks that no secret, key or token reached a log line, an exception
 * message or the command's output.
 */
class SecretsStayOutOfLogsTest {

    private static final List<String> VERBOSE_LOGGERS = List.of("dev.oauthsmtprelay", "com.nimbusds", "org.apache.camel");

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final List<String> printed = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();
    private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();

    @BeforeEach
    void captureEverything() {
        captured.setContext(logging);
        captured.start();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(captured);
        VERBOSE_LOGGERS.forEach(name -> logging.getLogger(name).setLevel(Level.TRACE));
        secrets.add(TestCredentials.CLIENT_SECRET);
        String key = TestCredentials.privateKeyBase64();
        for (int i = 0; i + 32 <= key.length(); i += 32) {
            secrets.add(key.substring(i, i + 32));
        }
    }

    @AfterEach
    void restore() {
        logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(captured);
        VERBOSE_LOGGERS.forEach(name -> logging.getLogger(name).setLevel(null));
        logging.getLogger("dev.oauthsmtprelay").setLevel(Level.INFO);
    }

    @Test
    void should_keep_secrets_keys_and_tokens_out_of_logs_errors_and_output() {
        try (TokenServer server = new TokenServer(); ProviderErrorEndpoint errors = new ProviderErrorEndpoint()) {
            Path google = TestCredentials.write(dir, "gmail.json",
                    TestCredentials.googleFields(server.tokenEndpoint("google"), "example.com"));
            Path microsoft = TestCredentials.microsoftFile(dir, server);
            for (Path file : List.of(google, microsoft)) {
                TokenService service = new TokenService(TokenClients.forCredentials(
                        new CredentialsFileReader().read(file, "example.com").credentials(), Clock.systemUTC(),
                        Duration.ofSeconds(5)), Clock.systemUTC(), TokenPolicy.defaults());
                AccessToken token = service.token("alice@example.com");
                secrets.add(token.value());
                printed.add(token.toString());
                service.invalidate("alice@example.com", token);
                secrets.add(service.token("alice@example.com").value());
            }

            errors.answerNextWith(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid "
                    + "client secret provided.\"}");
            errors.answerNextWith(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
            errors.answerNextWith(503, "{\"error\":\"temporarily_unavailable\"}");
            Path failingMicrosoft = TestCredentials.write(dir, "o365-bad.json",
                    TestCredentials.microsoftFields(errors.url(), "example.com"));
            Path failingGoogle = TestCredentials.write(dir, "gmail-bad.json",
                    TestCredentials.googleFields(errors.url(), "example.com"));
            for (Path file : List.of(failingMicrosoft, failingGoogle, failingMicrosoft)) {
                TokenClient client = TokenClients.forCredentials(
                        new CredentialsFileReader().read(file, "example.com").credentials(), Clock.systemUTC(),
                        Duration.ofSeconds(5));
                try {
                    client.requestToken("alice@example.com");
                } catch (TokenException e) {
                    printed.add(e.getMessage());
                }
            }

            runTokenCommand(google, "--user", "alice@example.com");
            runTokenCommand(microsoft);
            runTokenCommand(failingMicrosoft);
        }

        List<String> lines = new ArrayList<>(printed);
        for (ILoggingEvent event : captured.list) {
            lines.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                lines.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
        assertThat(captured.list).as("the flows log something at all").isNotEmpty();
        assertThat(printed).anySatisfy(line -> assertThat(line).contains("token:"));
        assertThat(secrets).hasSizeGreaterThan(10);
        for (String line : lines) {
            for (String secret : secrets) {
                assertThat(line).as("a log line or output").doesNotContain(secret);
            }
        }
    }

    private void runTokenCommand(Path credentials, String... extra) {
        Path config = new RelayConfigFile().set("relay.credentials", credentials)
                .set("relay.alias-domain", "example.com").writeTo(dir.resolve("relay.properties"));
        StringWriter out = new StringWriter();
        CommandLine cli = RelayCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        List<String> args = new ArrayList<>(List.of("token", "--config", config.toString()));
        args.addAll(List.of(extra));
        cli.execute(args.toArray(String[]::new));
        printed.add(out.toString());
    }
}
