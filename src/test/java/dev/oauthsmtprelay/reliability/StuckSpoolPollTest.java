package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.HttpGet;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * A spool poll that does not return shows, through the real relay: a file that keeps growing holds the poll thread
 * in its read lock for as long as relay.spool.lock-timeout lets it (here far longer than relay.spool.read-timeout).
 * The stall gets one warning saying where the thread waits, health and metrics name it, and once the writer stops
 * the poll returns with one line and every file is delivered.
 */
class StuckSpoolPollTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @Test
    void a_poll_held_by_a_file_that_never_completes_is_reported_once_and_again_when_it_returns() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        CapturedLog log = bed.closeAfter(CapturedLog.attach());
        int port = FreePort.find();
        RelayHarness relay = bed.relay(dir, Map.of("relay.health.port", port, "relay.spool.read-timeout", "1s",
                "relay.spool.lock-timeout", "60s", "relay.spool.min-age", "2s", "relay.spool.check-interval", "50"));
        Path spool = relay.spoolDir();
        Files.createDirectories(spool);
        SlowUpload upload = SlowUpload.start(spool.resolve("upload.eml"));
        try {
            await(WAIT, () -> log.count(Level.WARN, "The spool poll has been running for") == 1,
                    () -> "one warning about the stuck poll");
            drop(spool, "waiting.eml");
            assertThat(log.lines(Level.WARN, "The spool poll has been running for")).singleElement().asString()
                    .contains("relay.spool.read-timeout=1 s", "FileChangedExclusiveReadLockStrategy");
            JsonNode check = spoolCheck(port);
            assertThat(check.get("state").asText()).as("the relay stays ready").isEqualTo("UP");
            assertThat(check.get("details").get("pollStuckSince")).isNotNull();
            assertThat(check.get("message").asText()).contains("the spool poll has not returned since");
            assertThat(HttpGet.get(port, "/metrics").body()).containsPattern("relay_spool_poll_stuck_seconds [1-9]");
            Thread.sleep(1500);
            assertThat(hub.messageCount()).as("nothing is taken while the poll is held").isZero();
            assertThat(log.count(Level.WARN, "The spool poll has been running for")).as("told once").isEqualTo(1);
            assertThat(upload.stillWriting()).as("the upload was still being written all along").isTrue();
        } finally {
            upload.stop();
        }

        assertThat(hub.awaitMessages(2, WAIT)).as("the upload, once complete, and the file behind it").hasSize(2);
        await(WAIT, () -> log.count(Level.INFO, "The spool poll returned after") == 1, () -> "the line when it returns");
        await(WAIT, () -> spoolCheck(port).get("details").get("pollStuckSince") == null, () -> "health clears");
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }

    private static JsonNode spoolCheck(int port) {
        JsonNode health;
        try {
            health = JSON.readTree(HttpGet.get(port, "/health/ready").body());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the health endpoint", e);
        }
        return health.get("checks").findParents("id").stream().filter(c -> c.get("id").asText().equals("spool-intake"))
                .findFirst().orElseThrow();
    }

    private static void drop(Path spool, String name) throws IOException {
        Path temp = spool.resolve(".incoming.tmp");
        Files.writeString(temp, "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: " + name
                + "\r\n\r\nfine\r\n");
        Files.move(temp, spool.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
