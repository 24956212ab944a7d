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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The spool directory on a small tmpfs that is remounted read-only: permission bits do not stop
 * root (the build runs as root here), a read-only file system does. The relay must not take
 * files it cannot remove afterwards (that would queue them again on every poll), must not delete
 * anything, and must relay each file exactly once when the directory is writable again. It says so in
 * one warning (not one per file and poll) and in one line when it is over. Needs the right to mount;
 * skipped with a message where the build does not have it.
 */
class UnwritableSpoolTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path mountPoint;
    private boolean mounted;
    private TokenServer tokens;
    private XOAuth2SmtpHub hub;
    private RelayHarness relay;
    private CapturedLog log;

    @AfterEach
    void stop() throws Exception {
        if (log != null) {
            log.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (tokens != null) {
            tokens.close();
        }
        if (mounted) {
            run("umount", mountPoint.toString());
        }
    }

    @Test
    void should_leave_files_in_a_read_only_spool_and_relay_each_once_when_it_is_writable_again() throws Exception {
        mountPoint = Files.createDirectories(dir.resolve("spoolfs"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint.toString()) == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): the "
                + "read-only spool case is not exercised in this build");
        Path spool = Files.createDirectories(mountPoint.resolve("spool"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(spool.resolve("ro-" + i + ".eml"), "From: billing@example.com\r\nTo: customer@example.net\r\n"
                    + "Subject: read-only " + i + "\r\n\r\nbody\r\n", StandardCharsets.US_ASCII);
        }
        assertThat(run("mount", "-o", "remount,ro", mountPoint.toString())).as("remount read-only").isZero();

        tokens = new TokenServer();
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start();
        Path credentials = TestCredentials.microsoftFile(dir, tokens);
        log = CapturedLog.attach();
        relay = new RelayHarness(dir, credentials, hub, Map.of("relay.spool.dir", spool)).start();
        Thread.sleep(3000); // about 30 polls at 100 ms
        int deliveredWhileReadOnly = hub.messageCount();
        List<String> warnings = log.lines(Level.WARN, "Spool directory " + spool.toAbsolutePath(), "read-only");
        assertThat(warnings).as("one warning for the whole condition, not one per file and poll").hasSize(1);
        assertThat(warnings.get(0)).contains("Read-only file system", "none is lost", "remount");
        assertThat(log.count(Level.WARN, "cannot begin processing")).as("Camel's warning per file and poll")
                .isZero();

        assertThat(names(spool)).as("nothing deleted from the read-only spool").hasSize(3);
        assertThat(run("mount", "-o", "remount,rw", mountPoint.toString())).as("remount writable").isZero();
        await(WAIT, () -> names(spool).isEmpty(), () -> "the spool is emptied once writable: " + names(spool));
        hub.awaitMessages(3, WAIT);
        Thread.sleep(500);
        System.out.printf("[reliability] read-only spool: files=3, delivered while read-only=%d, total delivered=%d, "
                        + "warnings=%d, cleared lines=%d%n", deliveredWhileReadOnly, hub.messageCount(),
                log.count(Level.WARN, "read-only"), log.count(Level.INFO, "is writable again"));
        assertThat(hub.messageCount()).as("each file relayed exactly once").isEqualTo(3);
        assertThat(log.count(Level.INFO, "Spool directory " + spool.toAbsolutePath(), "is writable again"))
                .as("one line when it is over").isEqualTo(1);
        assertThat(log.count(Level.WARN, "read-only")).as("still the one warning").isEqualTo(1);
    }

    private static List<String> names(Path spool) {
        try (Stream<Path> files = Files.list(spool)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".eml")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
