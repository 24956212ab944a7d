package dev.oauthsmtprelay.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** A 30 MB message (legitimate, under the 35 MB default limit) goes through a relay JVM limited to a 256 MB heap. */
class LargeMessageSmallHeapTest {

    private static final int MESSAGE_BYTES = 30 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void should_relay_a_30_mb_message_with_a_256_mb_heap() throws Exception {
        try (TokenServer tokens = new TokenServer();
             XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder()
                     .tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start()) {
            Path credentials = TestCredentials.microsoftFile(dir, tokens);
            try (RelayProcess relay = RelayProcess.forHub(dir, credentials, hub, Map.of(), "-Xmx256m",
                    "-XX:+ExitOnOutOfMemoryError")) {
                long written = writeLargeMessage(dir.resolve("spool"), "large.eml");
                relay.start();

                XOAuth2SmtpHub.ReceivedMessage received;
                try {
                    received = hub.awaitMessages(1, Duration.ofSeconds(90)).get(0);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n" + relay.logTail(), e);
                }
                assertThat(received.size()).as("bytes the hub received").isGreaterThanOrEqualTo((int) written - 1024);
                assertThat(received.dataAsString()).contains("Subject: thirty megabytes").contains("--end-of-large--");
                assertThat(relay.isAlive()).as("no OutOfMemoryError: " + relay.logTail()).isTrue();
                assertThat(relay.log()).doesNotContain("OutOfMemoryError");
            }
        }
    }

    /** A multipart message with one base64 attachment, written under a dot-name and renamed. */
    private static long writeLargeMessage(Path spool, String name) throws IOException {
        Files.createDirectories(spool);
        Path temp = spool.resolve("." + name + ".tmp");
        Random random = new Random(42);
        byte[] chunk = new byte[57 * 1024];
        try (OutputStream out = Files.newOutputStream(temp)) {
            out.write(("From: billing@example.com\r\nTo: customer@example.net\r\nSubject: thirty megabytes\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"end-of-large\"\r\n\r\n"
                    + "--end-of-large\r\nContent-Type: text/plain\r\n\r\nThe archive is attached.\r\n"
                    + "--end-of-large\r\nContent-Type: application/octet-stream; name=\"archive.bin\"\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Base64.Encoder encoder = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII));
            long size = 0;
            while (size < MESSAGE_BYTES - 200_000) {
                random.nextBytes(chunk);
                byte[] encoded = encoder.encode(chunk);
                out.write(encoded);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                size += encoded.length + 2;
            }
            out.write("--end-of-large--\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        Files.move(temp, spool.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return Files.size(spool.resolve(name));
    }
}
