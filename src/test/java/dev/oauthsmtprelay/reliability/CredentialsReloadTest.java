package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.oauth.ReloadingTokenClient;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * A wrong credentials file (tokens from the wrong tenant, refused by the hub with 535) pauses
 * delivery with one log line; an unusable replacement is reported and ignored; the corrected file
 * resumes delivery without a restart.
 */
class CredentialsReloadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            lines.add(event.getFormattedMessage());
        }
    };
    private final List<Logger> watched = List.of((Logger) LoggerFactory.getLogger(DeliveryGate.class),
            (Logger) LoggerFactory.getLogger(MailboxPauses.class), (Logger) LoggerFactory.getLogger(ReloadingTokenClient.class));
    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    private TokenServer tokens;
    private XOAuth2SmtpHub hub;
    private RelayHarness relay;

    @AfterEach
    void stop() {
        watched.forEach(logger -> logger.detachAppender(capture));
    }

    @Test
    void should_pause_on_a_refused_login_and_resume_when_the_credentials_file_is_corrected() throws Exception {
        capture.start();
        watched.forEach(logger -> logger.addAppender(capture));
        tokens = bed.tokens();
        hub = bed.hub(builder -> builder.rejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365));
        Path credentials = TestCredentials.write(dir, "o365.json",
                TestCredentials.microsoftFields(tokens.tokenEndpoint("wrong-tenant"), "example.com"));
        relay = bed.harness(dir, credentials, Map.of()).start();

        for (int i = 0; i < 3; i++) {
            relay.drop("r" + i + ".eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: r" + i
                    + "\r\n\r\nbody\r\n");
        }
        await(WAIT, () -> count("Delivery paused") == 1, () -> "one 'Delivery paused' line; log: " + lines);
        TestCredentials.write(dir, "o365.json",
                TestCredentials.microsoftFields(tokens.tokenEndpoint("tenant"), "other-domain.example"));
        await(WAIT, () -> count("cannot be used") >= 1, () -> "the unusable replacement is reported; log: " + lines);
        assertThat(hub.messageCount()).isZero();

        TestCredentials.microsoftFile(dir, tokens);

        assertThat(hub.awaitMessages(3, WAIT)).hasSize(3);
        assertThat(count("Delivery paused")).as("one clear line for the pause").isEqualTo(1);
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Delivery paused").contains("5.7.3"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("changed: using the new credentials"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Delivery resumed"));
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
        assertThat(String.join("\n", lines)).doesNotContain(TestCredentials.CLIENT_SECRET);
    }

    private long count(String text) {
        return lines.stream().filter(line -> line.contains(text)).count();
    }
}
