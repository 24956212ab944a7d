package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
 * A journal failure in a relay process: the data directory's file system fills up (a tmpfs; Artemis's disk check
 * off, as in {@link JournalWriteFailureTest}), Artemis meets ENOSPC on its journal and stops itself. The relay starts
 * the broker again by itself once space is freed, without a restart. When the journal fails again within a minute of
 * that, the process exits with status 3 and the reason, so that the service manager restarts it; after space is freed
 * again, the restarted process relays every file.
 */
class FatalBrokerErrorExitTest {

    @TempDir
    Path dir;

    @Test
    void should_start_the_broker_again_once_there_is_room_and_exit_3_when_the_journal_fails_again_soon_after()
            throws Exception {
        try (Tmpfs dataFs = Tmpfs.mountOrSkip(dir.resolve("datafs"), "48m", "the process exit on a fatal broker error");
             TokenServer tokens = new TokenServer();
             XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder()
                     .tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start()) {
            Path credentials = TestCredentials.microsoftFile(dir, tokens);
            Path data = dataFs.path().resolve("data");
            Path spool = Files.createDirectories(dir.resolve("spool"));
            Path filler = dataFs.path().resolve("filler.bin");
            try (RelayProcess relay = RelayProcess.forHub(dir, credentials, hub,
                    Map.of("relay.data.dir", data, "relay.spool.dir", spool, "relay.broker.max-disk-usage", "100",
                            "relay.broker.disk-scan-period", "200"))) {
                relay.start();
                drop(spool, "before.eml", message("before", 1));
                hub.awaitMessages(1, Duration.ofSeconds(60));

                dataFs.fill(filler, 100_000);
                failTheJournal(spool, "first");
                await(Duration.ofSeconds(30), () -> relay.log().contains("The relay starts it again by itself"),
                        () -> "the broker stopped and waits for room: " + relay.logTail());
                Thread.sleep(1000);
                assertThat(relay.isAlive()).as("the process waits for room instead of exiting").isTrue();
                Files.delete(filler);
                long freedAt = System.nanoTime();
                // within 20 s: a consumer blocked on the stopped in-VM broker would otherwise wait Artemis's 30 s
                // call timeout before it reconnects (RelayBroker fails those connections)
                await(Duration.ofSeconds(20), () -> subjects(hub).size() == 5,
                        () -> "every message delivered without a restart: " + subjects(hub) + "; " + relay.logTail());
                long recoveredMs = Duration.ofNanos(System.nanoTime() - freedAt).toMillis();
                assertThat(relay.log()).contains("runs again").doesNotContain("Stopping with exit code");

                // The first large message's file goes once its delivery is committed, which with delivery batches
                // (relay.delivery.ack-batch) can be after the hub took it: filling before that left its 400 KB
                // free for the second large one, which was then queued and delivered without a journal failure.
                await(Duration.ofSeconds(10), () -> largeMessageFiles(data) == 0,
                        () -> "the delivered large message's file removed: " + listing(data));

                // the same failure within a minute of the restart: not a full disk the relay can wait out
                dataFs.fill(filler, 100_000);
                failTheJournal(spool, "second");
                long failedAt = System.nanoTime();
                int exit = awaitExit(relay, spool, data, hub);
                long exitMs = Duration.ofNanos(System.nanoTime() - failedAt).toMillis();

                assertThat(exit).as("exit status; log:\n" + relay.logTail()).isEqualTo(3);
                assertThat(relay.log()).contains("Stopping with exit code 3: The embedded broker in ")
                        .contains("stopped after a critical I/O error on its journal")
                        .contains("so it is not started a third time")
                        .contains("check the disk of relay.data.dir")
                        .contains("Stopped: The embedded broker in ");
                int deliveredBeforeExit = hub.messageCount();

                Files.delete(filler);
                relay.start();
                await(Duration.ofSeconds(60), () -> subjects(hub).size() == 9,
                        () -> "every message delivered after the restart: " + subjects(hub) + "; " + relay.logTail());
                System.out.printf("[reliability] journal failures in a relay process: after the first, all 5 "
                        + "delivered %d ms after space was freed, without a restart; after the second, the process "
                        + "exited %d ms after the files were dropped, exit=%d; delivered before the exit=%d; after a "
                        + "restart %d distinct of 9, total=%d%n", recoveredMs, exitMs, exit, deliveredBeforeExit,
                        subjects(hub).size(), hub.messageCount());
                assertThat(subjects(hub)).containsExactlyInAnyOrder("before", "first large", "first small 0",
                        "first small 1", "first small 2", "second large", "second small 0", "second small 1",
                        "second small 2");
            }
        }
    }

    /**
     * When the relay does not exit, what the spool, the broker's directory and the hub hold tells a missed spool file
     * from a message the queue took without its journal failing (which is how the race above was found).
     */
    private static int awaitExit(RelayProcess relay, Path spool, Path data, XOAuth2SmtpHub hub) throws Exception {
        try {
            return relay.awaitExit(Duration.ofSeconds(30));
        } catch (IllegalStateException stillRunning) {
            throw new IllegalStateException("spool: " + listing(spool) + "; broker directory: " + listing(data)
                    + "; hub: " + hub.messageCount() + " messages, subjects " + subjects(hub) + "\n"
                    + stillRunning.getMessage(), stillRunning);
        }
    }

    private static long largeMessageFiles(Path data) {
        Path large = data.resolve("broker").resolve("large-messages");
        if (!Files.isDirectory(large)) {
            return 0;
        }
        try (var files = Files.list(large)) {
            return files.count();
        } catch (IOException e) {
            return -1; // not known: the await goes on
        }
    }

    private static String listing(Path directory) {
        if (!Files.exists(directory)) {
            return "(none)";
        }
        try (var files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).map(file -> directory.relativize(file) + " " + size(file))
                    .sorted().collect(Collectors.joining(", ", "[", "]"));
        } catch (IOException e) {
            return "(not listed: " + e.getMessage() + ")";
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Over 100 KB: Artemis writes the large one to a file of its own under large-messages/, which finds no room. */
    private static void failTheJournal(Path spool, String round) throws Exception {
        drop(spool, round + "-large.eml", message(round + " large", 40_000));
        for (int i = 0; i < 3; i++) {
            drop(spool, round + "-small-" + i + ".eml", message(round + " small " + i, 1));
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
