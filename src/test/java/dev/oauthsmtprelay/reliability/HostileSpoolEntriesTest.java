package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * Spool entries that are not regular files, through one running relay: a FIFO nobody writes to (opening it would
 * block the intake thread for good), a Unix socket and a directory with a message's name (a symbolic link is in
 * {@code HostileInputRelayTest}). None is opened; the FIFO and the socket are set aside in .error/ with their reason,
 * and the good files around them are all delivered. A file that is still being written holds back neither the intake
 * nor the files dropped after it.
 */
class HostileSpoolEntriesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @Test
    void entries_that_are_not_regular_files_are_set_aside_unopened_and_the_other_files_keep_flowing() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of("relay.spool.intake-threads", 1));
        Path spool = relay.spoolDir();
        Files.createDirectories(spool);

        dropGood(spool, "before.eml");
        Process mkfifo = new ProcessBuilder("mkfifo", spool.resolve("stuck.eml").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo").isZero();
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(spool.resolve("socket.json")));
            Files.createDirectories(spool.resolve("folder.eml"));
            for (int i = 0; i < 5; i++) {
                dropGood(spool, "after-" + i + ".eml");
            }

            assertThat(hub.awaitMessages(6, WAIT)).hasSize(6);
            await(WAIT, () -> relay.filesIn(relay.errorDir(), ".reason.txt") == 2,
                    () -> "a reason for the FIFO and the socket, found " + relay.filesIn(relay.errorDir(), ".reason.txt"));
        }

        Path errors = relay.errorDir();
        assertThat(Files.readString(errors.resolve("stuck.eml.reason.txt"))).contains("not a regular file", "FIFO");
        assertThat(Files.readString(errors.resolve("socket.json.reason.txt"))).contains("not a regular file",
                "socket");
        assertThat(Files.getAttribute(errors.resolve("stuck.eml"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .as("the FIFO itself was moved, never opened").satisfies(mode -> assertThat(((int) mode) & 0170000)
                        .isEqualTo(0010000));
        assertThat(spool.resolve("folder.eml")).as("a directory is left where it is").isDirectory();
        assertThat(spool.resolve("stuck.eml")).doesNotExist();
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }

    @Test
    void a_file_that_keeps_growing_does_not_hold_the_files_dropped_after_it() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        // min-age 1 s, the default: the read lock waits while the file is younger, and the writer never pauses that long
        RelayHarness relay = bed.relay(dir, Map.of("relay.spool.min-age", "1s", "relay.spool.check-interval", "50"));
        Path spool = relay.spoolDir();
        Files.createDirectories(spool);
        SlowUpload upload = SlowUpload.start(spool.resolve("upload.eml"));
        try {
            // past the consumer's first poll (initial delay 1 s), which finds only the upload
            Thread.sleep(2500);
            for (int i = 0; i < 3; i++) {
                dropGood(spool, "after-" + i + ".eml");
            }

            assertThat(hub.awaitMessages(3, WAIT)).as("the files dropped after the growing one").hasSize(3);
            assertThat(hub.messages()).noneMatch(m -> m.dataAsString().contains("slow upload"));
            assertThat(upload.stillWriting()).as("the upload was still being written all along").isTrue();
        } finally {
            upload.stop();
        }
        assertThat(hub.awaitMessages(4, WAIT)).as("the upload, once complete").hasSize(4);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }

    private static void dropGood(Path spool, String name) throws IOException {
        Path temp = spool.resolve(".incoming.tmp");
        Files.writeString(temp, "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: " + name
                + "\r\n\r\nfine\r\n", StandardCharsets.UTF_8);
        Files.move(temp, spool.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
