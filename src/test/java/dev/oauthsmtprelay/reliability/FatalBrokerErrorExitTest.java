package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * A fatal broker error in a relay process: the data directory's file system fills up (a tmpfs; Artemis's disk check
 * off, as in {@link JournalWriteFailureTest}), Artemis meets ENOSPC on its journal and stops itself. The process must
 * then exit on its own with status 3 and the reason, so that the service manager restarts it, instead of waiting for
 * an operator; after space is freed, a restart relays every file.
 */
class FatalBrokerErrorExitTest {

    @TempDir
    Path dir;

    @Test
    void should_exit_3_with_the_reason_when_the_journal_cannot_be_written_and_relay_everything_after_a_restart()
            throws Exception {
        try (Tmpfs dataFs = Tmpfs.mountOrSkip(dir.resolve("datafs"), "48m", "the process exit on a fatal broker error");
             TokenServer tokens = new TokenServer();
             XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder()
                     .tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start()) {
            Path credentials = TestCredentials.microsoftFile(dir, tokens);
            Path data = dataFs.path().resolve("data");
            Path spool = Files.createDirectories(dir.resolve("spool"));
            try (RelayProcess relay = RelayProcess.forHub(dir, credentials, hub,
                    Map.of("relay.data.dir", data, "relay.spool.dir", spool, "relay.broker.max-disk-usage", "100"))) {
                relay.start();
                drop(spool, "before.eml", message("before", 1));
                hub.awaitMessages(1, Duration.ofSeconds(60));
                dataFs.fill(dataFs.path().resolve("filler.bin"), 100_000);

                // over 100 KB: Artemis writes it to a file of its own under large-messages/, which finds no room
                drop(spool, "large.eml", message("large", 40_000));
                for (int i = 0; i < 3; i++) {
                    drop(spool, "small-" + i + ".eml", message("small " + i, 1));
                }
                long failedAt = System.nanoTime();
                int exit = relay.awaitExit(Duration.ofSeconds(30));
                long exitMs = Duration.ofNanos(System.nanoTime() - failedAt).toMillis();

                assertThat(exit).as("exit status; log:\n" + relay.logTail()).isEqualTo(3);
                assertThat(relay.log()).contains("Stopping with exit code 3: the embedded broker in ")
                        .contains("stopped after a critical I/O error on its journal")
                        .contains("Check the disk of relay.data.dir")
                        .contains("Stopped: the embedded broker in ");
                int deliveredBeforeExit = hub.messageCount(); // small files queued before the large one failed

                Files.delete(dataFs.path().resolve("filler.bin"));
                relay.start();
                await(Duration.ofSeconds(60), () -> subjects(hub).size() == 5,
                        () -> "every message delivered after the restart: " + subjects(hub) + "; " + relay.logTail());
                System.out.printf("[reliability] fatal broker error: the process exited %d ms after the files were "
                        + "dropped, exit=%d; delivered before the exit=%d; after a restart %d distinct of 5, total=%d%n", exitMs, exit, deliveredBeforeExit,
                        subjects(hub).size(), hub.messageCount());
                assertThat(subjects(hub)).containsExactlyInAnyOrder("before", "large", "small 0", "small 1", "small 2");
            }
        }
    }

    private static void drop(Path spool, String name, String content) throws Exception {
        Path temp = spool.resolve("." + name + ".tmp");
        Files.writeString(temp, content, StandardCharsets.US_ASCII);
        Files.move(temp, spool.resolve(name));
    }

    private static String message(String subject, int bodyLines) {
        return "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: " + subject + "\r\n\r\n"
                + "body line\r\n".repeat(bodyLines);
    }

    private static Set<String> subjects(XOAuth2SmtpHub hub) {
        return hub.messages().stream().map(m -> m.dataAsString().lines().filter(l -> l.startsWith("Subject: "))
                .findFirst().orElse("?").substring("Subject: ".length())).collect(Collectors.toSet());
    }
}
