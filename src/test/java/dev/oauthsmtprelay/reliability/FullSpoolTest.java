package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The spool on a 1 MB tmpfs filled to the last byte: good files must still be relayed (taking and removing a file
 * needs no space), and a bad file must still be moved to .error/ although its .reason.txt cannot be written; the
 * reason then goes to the log, and nothing is lost.
 */
class FullSpoolTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String NO_RECIPIENT = "From: billing@example.com\r\nSubject: nobody\r\n\r\nbody\r\n";
    private static final String NOT_JSON = "{\"from\": \"billing@example.com\", \"to\": [";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    private Tmpfs spoolFs;
    private XOAuth2SmtpHub hub;
    private RelayHarness relay;
    private CapturedLog log;

    @Test
    void should_relay_good_files_and_keep_bad_ones_with_their_reason_in_the_log_when_the_spool_disk_is_full()
            throws Exception {
        spoolFs = bed.closeAfter(Tmpfs.mountOrSkip(dir.resolve("spoolfs"), "1m", "the full spool case"));
        Path spool = Files.createDirectories(spoolFs.path().resolve("spool"));
        Instant now = Instant.now();
        // bad files first (oldest), and one intake thread: they are rejected while there is not a byte free
        write(spool.resolve("bad-0.eml"), NO_RECIPIENT, now.minusSeconds(60));
        write(spool.resolve("bad-1.json"), NOT_JSON, now.minusSeconds(50));
        for (int i = 0; i < 3; i++) {
            write(spool.resolve("good-" + i + ".eml"), message("good " + i), now.minusSeconds(30 - i));
        }
        long filler = spoolFs.fill(spoolFs.path().resolve("filler.bin"), 0);
        long freeAtStart = spoolFs.usableBytes();

        log = bed.closeAfter(CapturedLog.attach());
        hub = bed.hub();
        relay = bed.harness(dir, Map.of(
                "relay.spool.dir", spool,
                "relay.spool.intake-threads", "1")).start();
        hub.awaitMessages(3, WAIT);
        Path errorDir = spool.resolve(".error");
        await(WAIT, () -> Files.exists(errorDir.resolve("bad-0.eml")) && Files.exists(errorDir.resolve("bad-1.json")),
                () -> "both bad files in .error/");

        assertThat(Files.readString(errorDir.resolve("bad-0.eml"))).as("the bad file is kept as it was")
                .isEqualTo(NO_RECIPIENT);
        assertThat(Files.readString(errorDir.resolve("bad-1.json"))).isEqualTo(NOT_JSON);
        List<String> reasonsInLog = log.lines(Level.WARN, "The reason could not be written");
        assertThat(reasonsInLog).as("each reason that found no room on disk is in the log").hasSize(2);
        assertThat(reasonsInLog).anySatisfy(line -> assertThat(line).contains("bad-0.eml", "no recipient"));
        assertThat(reasonsInLog).anySatisfy(line -> assertThat(line).contains("bad-1.json", "not valid JSON"));
        assertThat(Files.exists(errorDir.resolve("bad-0.eml.reason.txt"))).as("no half-written reason").isFalse();
        assertThat(relay.filesIn(spool, ".eml") + relay.filesIn(spool, ".json")).as("spool emptied").isZero();

        Files.delete(spoolFs.path().resolve("filler.bin"));
        drop(spool, "bad-2.eml", NO_RECIPIENT);
        drop(spool, "good-3.eml", message("good 3"));
        hub.awaitMessages(4, WAIT);
        await(WAIT, () -> Files.exists(errorDir.resolve("bad-2.eml.reason.txt")), () -> "a reason once there is room");
        Thread.sleep(300);
        System.out.printf("[reliability] full spool: filler=%d bytes, free at start=%d bytes, good files=4, "
                        + "delivered=%d, bad files kept in .error=%d, reasons only in the log=%d%n",
                filler, freeAtStart, hub.messageCount(), relay.filesIn(errorDir, ".eml") + relay.filesIn(errorDir,
                        ".json"), reasonsInLog.size());
        assertThat(hub.messageCount()).as("each good file relayed exactly once").isEqualTo(4);
        assertThat(Files.readString(errorDir.resolve("bad-2.eml.reason.txt"))).contains("no recipient");
    }

    /** Write-then-rename, as producers should. */
    private static void drop(Path spool, String name, String content) throws Exception {
        Path temp = Files.writeString(spool.resolve("." + name + ".tmp"), content, StandardCharsets.UTF_8);
        Files.move(temp, spool.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void write(Path file, String content, Instant modified) throws Exception {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    private static String message(String subject) {
        return "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
    }
}
