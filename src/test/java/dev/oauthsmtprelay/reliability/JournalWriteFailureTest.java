package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.ListenerClient;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.queue.RelayBroker;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The data directory fills up past Artemis's disk check (here: the check is off and a 400 KB message needs a file
 * of its own): Artemis meets ENOSPC on its journal, logs a critical I/O error and stops itself. The relay must keep
 * every spool file, answer the listener's clients 452 at MAIL FROM, say once that the broker stopped and that it
 * starts again when there is room, start it again once space is freed, without a restart of the relay, and then relay
 * every file at least once (a file whose message reached the journal but whose confirmation was lost with the broker
 * is queued again, as after a crash).
 *
 * <p>The kernel refuses to remount a file system read-only while the journal has files open for writing ("mount
 * point is busy"), so a data directory that turns read-only under a running relay shows up as this same I/O error.
 */
class JournalWriteFailureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    private Tmpfs dataFs;
    private XOAuth2SmtpHub hub;
    private RelayHarness relay;
    private CapturedLog log;

    @Test
    void should_keep_files_report_once_start_the_broker_again_and_relay_each_once_when_the_journal_cannot_write()
            throws Exception {
        dataFs = bed.closeAfter(Tmpfs.mountOrSkip(dir.resolve("datafs"), "48m", "the journal write failure case"));
        Path data = dataFs.path().resolve("data");
        log = bed.closeAfter(CapturedLog.attach());
        hub = bed.hub();
        // 100 % turns Artemis's disk check off, so the full disk shows as an I/O error, as it does when the disk
        // fills faster than relay.broker.disk-scan-period or past the limit in one large message
        int listenerPort = FreePort.find();
        relay = bed.harness(dir, Map.of(
                "relay.data.dir", data,
                "relay.broker.max-disk-usage", "100",
                "relay.broker.disk-scan-period", "200",
                "relay.listener.enabled", true,
                "relay.listener.port", listenerPort)).start();
        relay.drop("before.eml", message("before", 1));
        hub.awaitMessages(1, WAIT);
        dataFs.fill(dataFs.path().resolve("filler.bin"), 100_000);

        // over 100 KB: Artemis writes it to a file of its own under large-messages/, which finds no room
        relay.drop("large.eml", message("large", 40_000));
        for (int i = 0; i < 3; i++) {
            relay.drop("small-" + i + ".eml", message("small " + i, 1));
        }
        await(WAIT, () -> log.count(Level.WARN, "The embedded broker in " + data.resolve("broker"), "is not running")
                > 0, () -> "a warning that the broker stopped");
        Thread.sleep(1500); // about 15 polls at 100 ms
        assertThat(log.count(Level.ERROR, "Critical IO Error, shutting down the server")).as("Artemis stopped itself")
                .isEqualTo(1);
        assertThat(log.lines(Level.WARN, "stopped after a critical I/O error on its journal")).as("one recovery for "
                + "all the failed writes").hasSize(1);
        assertThat(log.lines(Level.WARN, "stopped after a critical I/O error on its journal").get(0))
                .contains("starts it again by itself once relay.data.dir has room");
        assertThat(log.lines(Level.WARN, "is not running")).as("one intake warning for the whole condition")
                .hasSize(1);
        assertThat(log.lines(Level.WARN, "is not running").get(0)).contains("relay.data.dir", "starts the broker again");
        long perFileLines = log.count(Level.WARN, "Could not queue spool file");
        assertThat(perFileLines).as("at most the files in flight when the broker stopped").isLessThanOrEqualTo(4);
        // Artemis can confirm the large message before its own write of the message file fails (seen once in CI:
        // large.eml left the spool, then the broker stopped on that write). It must still arrive, which the end of
        // this test checks; the files sent after the failure must all still be in the spool.
        assertThat(spoolFiles()).as("the files sent after the failure stay in the spool")
                .contains("small-0.eml", "small-1.eml", "small-2.eml");
        boolean largeConfirmedBeforeFailure = !spoolFiles().contains("large.eml");
        assertThat(relay.filesIn(relay.errorDir(), ".eml")).as("no good file moved to .error").isZero();
        ListenerClient.Answer refused = ListenerClient.send(listenerPort, message("listener", 1)
                .getBytes(StandardCharsets.US_ASCII), "billing@example.com", "customer@example.net");
        assertThat(refused.text() + " (answer to " + refused.command() + ")").as("the listener while the broker is "
                + "stopped: the client keeps the message").startsWith("452 4.3.0").contains("MAIL FROM");
        assertThat(hub.messageCount()).isEqualTo(1);
        assertThat(relay.context().hasService(RelayBroker.class)
                .embeddedBroker().orElseThrow().isStarted()).as("not started again while the disk is full").isFalse();

        Files.delete(dataFs.path().resolve("filler.bin"));
        long freedAt = System.nanoTime();
        await(WAIT, () -> spoolFiles().isEmpty(), () -> "the spool is emptied without a restart: " + spoolFiles());
        await(WAIT, () -> ListenerClient.send(listenerPort, message("listener", 1).getBytes(StandardCharsets.US_ASCII),
                "billing@example.com", "customer@example.net").accepted(), () -> "the listener takes mail again");
        await(WAIT, () -> subjects().size() == 6, () -> "every message delivered without a restart: " + subjects());
        long recoveredMs = Duration.ofNanos(System.nanoTime() - freedAt).toMillis();
        Thread.sleep(500);
        int duplicates = hub.messageCount() - subjects().size();
        System.out.printf("[reliability] journal write failure: files=4 (one of 400 KB) and 1 listener message, per-file lines before the "
                        + "broker stopped=%d, all delivered %d ms after space was freed, without a restart of the "
                        + "relay; total=%d, duplicates=%d, large file confirmed before the write failed=%s%n",
                perFileLines, recoveredMs, hub.messageCount(), duplicates, largeConfirmedBeforeFailure);
        assertThat(log.lines(Level.INFO, "runs again")).as("the broker started again once").hasSize(1);
        assertThat(relay.context().hasService(RelayBroker.class).embeddedBroker()
                .orElseThrow().restarts()).isEqualTo(1);
        assertThat(subjects()).as("every file and the listener's message relayed").containsExactlyInAnyOrder(
                "before", "large", "small 0", "small 1", "small 2", "listener");
        // A file whose message reached the journal just before the broker stopped, but whose confirmation never came
        // back, stays in the spool and is queued again: at most the files in flight, here the four dropped.
        assertThat(duplicates).as("duplicates at most the files in flight at the failure").isLessThanOrEqualTo(4);
        assertThat(hub.messages().stream().filter(m -> m.dataAsString().contains("Subject: large")).findFirst()
                .orElseThrow().size()).as("the large message arrives whole").isGreaterThan(400_000);
    }

    private java.util.Set<String> subjects() {
        return hub.messages().stream().map(m -> m.dataAsString().lines().filter(l -> l.startsWith("Subject: "))
                .findFirst().orElse("?").substring("Subject: ".length())).collect(java.util.stream.Collectors.toSet());
    }

    private List<String> spoolFiles() {
        try (Stream<Path> files = Files.list(relay.spoolDir())) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".eml")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String message(String subject, int bodyLines) {
        return "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: " + subject + "\r\n\r\n"
                + "body line\r\n".repeat(bodyLines);
    }
}
