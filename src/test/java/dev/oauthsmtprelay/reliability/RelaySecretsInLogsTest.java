package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.ProviderErrorEndpoint;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * Whole relay flows — a delivery on each provider, a token endpoint refusing the client, a hub
 * refusing the login — with every logger at DEBUG (relay.log.level=DEBUG plus Camel, Artemis,
 * Angus, Nimbus), and a log file: no client secret, private key, access token, XOAUTH2 string or
 * JWT assertion may appear in any captured line or in the file.
 */
class RelaySecretsInLogsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The test servers' own loggers: they see the secrets by design and are not the relay. */
    private static final List<String> TEST_SERVER_LOGGERS = List.of("no.nav.security", "okhttp3", "mockwebserver3",
            "io.netty", "dev.oauthsmtprelay.sandbox");
    private static final List<String> CONFIGURED_LOGGERS = List.of("dev.oauthsmtprelay", "org.apache.camel",
            "org.apache.activemq", "org.apache.artemis", "com.nimbusds", "org.eclipse.angus", "jakarta.mail");

    @TempDir
    Path dir;

    private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final CapturedLines captured = new CapturedLines();
    private final List<String> secrets = new ArrayList<>();
    private Level rootLevel;
    private Appender<ILoggingEvent> console;

    @BeforeEach
    void captureEverythingAtDebug() {
        captured.setContext(logging);
        captured.start();
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.addAppender(captured);
        // The capture sees every event the console would print; printing thousands of DEBUG lines only slows the run.
        console = root.getAppender("console");
        if (console != null) {
            root.detachAppender(console);
        }
        root.setLevel(Level.DEBUG);
        CONFIGURED_LOGGERS.forEach(name -> logging.getLogger(name).setLevel(Level.DEBUG));
        TEST_SERVER_LOGGERS.forEach(name -> logging.getLogger(name).setLevel(Level.WARN));
        secrets.add(TestCredentials.CLIENT_SECRET);
        String key = TestCredentials.privateKeyBase64();
        for (int i = 0; i + 32 <= key.length(); i += 32) {
            secrets.add(key.substring(i, i + 32));
        }
    }

    @AfterEach
    void restoreLogging() {
        Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(captured);
        if (console != null) {
            root.addAppender(console);
        }
        Appender<ILoggingEvent> file = root.getAppender("relay-file");
        if (file != null) {
            root.detachAppender(file);
            file.stop();
        }
        root.setLevel(rootLevel);
        CONFIGURED_LOGGERS.forEach(name -> logging.getLogger(name).setLevel(null));
        TEST_SERVER_LOGGERS.forEach(name -> logging.getLogger(name).setLevel(null));
        logging.getLogger("dev.oauthsmtprelay").setLevel(Level.INFO);
        logging.getLogger("org.apache.camel").setLevel(Level.WARN);
        logging.getLogger("org.apache.activemq").setLevel(Level.WARN);
    }

    @Test
    void should_keep_secrets_tokens_and_assertions_out_of_every_log_line_at_debug() throws Exception {
        Path logFile = dir.resolve("relay.log");
        try (TokenServer tokens = new TokenServer(); ProviderErrorEndpoint failing = new ProviderErrorEndpoint()) {
            deliverOnGoogle(tokens, logFile);
            deliverOnMicrosoftThenRejectTheLogin(tokens, logFile);
            refuseTheClientAtTheTokenEndpoint(failing, logFile);
        }

        List<String> lines = new ArrayList<>(captured.lines);
        lines.add(Files.readString(logFile));
        assertThat(captured.debugLines).as("DEBUG really was on").hasSizeGreaterThan(100);
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Delivery paused"));
        assertThat(secrets).as("client secret, key pieces, 2+ tokens, 1+ assertion, XOAUTH2 strings").hasSizeGreaterThan(12);
        for (String line : lines) {
            for (String secret : secrets) {
                assertThat(line).as("a log line").doesNotContain(secret);
            }
        }
    }

    private void deliverOnGoogle(TokenServer tokens, Path logFile) throws Exception {
        XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.mailboxTokens(tokens, "google")).start();
        Path credentials = TestCredentials.write(Files.createDirectories(dir.resolve("google")), "gmail.json",
                TestCredentials.googleFields(tokens.tokenEndpoint("google"), "example.com"));
        try (hub; RelayHarness relay = new RelayHarness(dir.resolve("google"), credentials, hub, debug(logFile)).start()) {
            relay.drop("g.eml", "From: ops@example.com\r\nTo: oncall@example.net\r\nSubject: g\r\n\r\nbody\r\n");
            XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
            rememberToken(received);
            for (RecordedRequest request = tokens.pollRequest(); request != null; request = tokens.pollRequest()) {
                String body = request.getBody().readUtf8();
                for (String pair : body.split("&")) {
                    if (pair.startsWith("assertion=")) {
                        secrets.add(URLDecoder.decode(pair.substring("assertion=".length()), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    private void deliverOnMicrosoftThenRejectTheLogin(TokenServer tokens, Path logFile) throws Exception {
        XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start();
        Path credentials = TestCredentials.write(Files.createDirectories(dir.resolve("microsoft")), "o365.json",
                TestCredentials.microsoftFields(tokens.tokenEndpoint("tenant"), "example.com"));
        try (hub; RelayHarness relay = new RelayHarness(dir.resolve("microsoft"), credentials, hub, debug(logFile)).start()) {
            relay.drop("m.eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: m\r\n\r\nbody\r\n");
            rememberToken(hub.awaitMessages(1, WAIT).get(0));
            hub.setRejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365);
            hub.setTokenValidator((mailbox, token) -> false);
            relay.drop("m2.eml", "From: other@example.com\r\nTo: customer@example.net\r\nSubject: m2\r\n\r\nbody\r\n");
            await(WAIT, () -> captured.lines.stream().anyMatch(line -> line.contains("Delivery paused")),
                    () -> "delivery pauses on the rejected login");
            hub.authAttempts().stream().map(XOAuth2SmtpHub.AuthAttempt::token).filter(t -> t != null && !t.isEmpty())
                    .forEach(secrets::add);
        }
    }

    private void refuseTheClientAtTheTokenEndpoint(ProviderErrorEndpoint failing, Path logFile) throws Exception {
        for (int i = 0; i < 5; i++) {
            failing.answerNextWith(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid "
                    + "client secret provided.\"}");
        }
        XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().start();
        Path credentials = TestCredentials.write(Files.createDirectories(dir.resolve("refused")), "o365.json",
                TestCredentials.microsoftFields(failing.url(), "example.com"));
        try (hub; RelayHarness relay = new RelayHarness(dir.resolve("refused"), credentials, hub, debug(logFile)).start()) {
            relay.drop("r.eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: r\r\n\r\nbody\r\n");
            await(WAIT, () -> failing.requestCount() >= 1, () -> "a token request to the refusing endpoint");
            await(WAIT, () -> captured.lines.stream().anyMatch(line -> line.contains("invalid_client")),
                    () -> "the refusal is logged");
        }
    }

    private void rememberToken(XOAuth2SmtpHub.ReceivedMessage received) {
        String token = received.token();
        secrets.add(token);
        secrets.add(Base64.getEncoder().encodeToString(("user=" + received.authenticatedMailbox() + "\u0001auth=Bearer "
                + token + "\u0001\u0001").getBytes(StandardCharsets.UTF_8)));
        // The claims and the signature of the JWT alone would also be a leak (the header is the same for all).
        String[] parts = token.split("\\.");
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].length() > 20) {
                secrets.add(parts[i]);
            }
        }
    }

    /** Thread-safe capture (the relay logs from many threads at once); the test servers' own loggers are left out. */
    private static final class CapturedLines extends AppenderBase<ILoggingEvent> {

        final Queue<String> lines = new ConcurrentLinkedQueue<>();
        final Queue<String> debugLines = new ConcurrentLinkedQueue<>();

        @Override
        protected void append(ILoggingEvent event) {
            if (TEST_SERVER_LOGGERS.stream().anyMatch(event.getLoggerName()::startsWith)) {
                return;
            }
            String line = event.getLoggerName() + " " + event.getFormattedMessage();
            lines.add(line);
            if (event.getLevel() == Level.DEBUG) {
                debugLines.add(line);
            }
            if (event.getThrowableProxy() != null) {
                lines.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
        }
    }

    private static Map<String, Object> debug(Path logFile) {
        return Map.of("relay.log.level", "DEBUG", "relay.log.file", logFile);
    }
}
