package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The whole hostile-input corpus through one running relay (spool → Artemis → STARTTLS + XOAUTH2
 * hub): every bad file ends in .error/ with its own reason, good files dropped between them are
 * all delivered, and the relay is still delivering afterwards.
 */
class HostileInputRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long MAX_SIZE = 1_500_000;
    private static final String METACHARACTER_NAME = "report $(touch pwned); rm -rf ~ & echo 'x' | cat > \"y\" `id` *?.eml";

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;

    @Test
    void should_reject_every_hostile_file_with_its_reason_and_keep_delivering_good_ones() throws Exception {
        Path attachments = Files.createDirectories(dir.resolve("attachments"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        hub = bed.hub();
        relay = bed.relay(dir, Map.of(
                "relay.intake.max-size", MAX_SIZE,
                "relay.intake.attachment-dirs", attachments,
                // The production default: a file is complete once unchanged for a second. The growing file
                // changes every 10 ms, so only a stall of a whole second could let it be taken early.
                "relay.spool.min-age", "1s"));

        Map<String, String> expected = new LinkedHashMap<>(BadInputCorpus.expectedReasons());
        expected.put("header-1mb.eml", "header section too large");
        expected.put("over-size-limit.eml", "message too large");
        expected.put("symlink-to-outside.eml", "symbolic link refused");
        List<String> good = new ArrayList<>();

        CompletableFuture<Void> growing = CompletableFuture.runAsync(() -> writeSlowly(relay.spoolDir().resolve("growing.json")));
        int n = 0;
        for (String name : BadInputCorpus.expectedReasons().keySet()) {
            drop(name, BadInputCorpus.content(name, attachments));
            if (++n % 5 == 0) {
                good.add(dropGood("good-" + n + ".eml"));
            }
        }
        drop("header-1mb.eml", withOneMegabyteHeader());
        drop("over-size-limit.eml", overSizeLimit());
        Path secret = Files.writeString(outside.resolve("secret.eml"),
                "From: billing@example.com\r\nTo: thief@example.net\r\nSubject: TOP SECRET\r\n\r\nTOP SECRET\r\n");
        Files.createSymbolicLink(relay.spoolDir().resolve("symlink-to-outside.eml"), secret);
        good.add(dropGood(METACHARACTER_NAME));
        growing.get();

        await(WAIT, () -> relay.filesIn(relay.errorDir(), ".reason.txt") == expected.size(),
                () -> "one reason file per bad file (" + expected.size() + "), found "
                        + relay.filesIn(relay.errorDir(), ".reason.txt"));
        good.add(dropGood("good-after-corpus.eml"));
        List<XOAuth2SmtpHub.ReceivedMessage> received = hub.awaitMessages(good.size() + 1, WAIT);

        for (Map.Entry<String, String> bad : expected.entrySet()) {
            Path reason = relay.errorDir().resolve(bad.getKey() + ".reason.txt");
            assertThat(reason).as(bad.getKey()).exists();
            assertThat(Files.readString(reason)).as(bad.getKey()).contains(bad.getValue());
        }
        assertThat(received).extracting(XOAuth2SmtpHub.ReceivedMessage::dataAsString)
                .allSatisfy(data -> assertThat(data).doesNotContain("TOP SECRET"))
                .anySatisfy(data -> assertThat(data).contains("Subject: growing").contains("line 199 of 199"));
        for (String subject : good) {
            assertThat(received).as(subject).anySatisfy(r -> assertThat(r.dataAsString()).contains("Subject: " + subject));
        }
        assertThat(received).hasSize(good.size() + 1);
        assertThat(Files.isSymbolicLink(relay.errorDir().resolve("symlink-to-outside.eml"))).as("the link itself moved").isTrue();
        assertThat(secret).as("the link target is untouched").exists();
        assertThat(relay.errorDir().resolve("growing.json")).doesNotExist();
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
        assertThat(dir.resolve("pwned")).doesNotExist();
        // A file is deleted when its exchange completes, after its message is queued, and the delivery consumer
        // can hand that message to the hub first: the last file may still be in the spool for a moment.
        await(Duration.ofSeconds(10), () -> spoolFiles() == 0, () -> "files left in the spool: " + spoolFiles());
    }

    private long spoolFiles() {
        return relay.filesIn(relay.spoolDir(), ".eml") + relay.filesIn(relay.spoolDir(), ".json");
    }

    private void drop(String name, byte[] content) throws IOException {
        Files.createDirectories(relay.spoolDir());
        Path temp = relay.spoolDir().resolve(".incoming.tmp");
        Files.write(temp, content);
        Files.move(temp, relay.spoolDir().resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Drops a valid message whose subject is its file name, so the hub's copy can be matched to it. */
    private String dropGood(String name) throws IOException {
        drop(name, ("From: billing@example.com\r\nTo: customer@example.net\r\nSubject: " + name + "\r\n\r\nfine\r\n")
                .getBytes(StandardCharsets.UTF_8));
        return name;
    }

    /** A JSON message written under its final name over about two seconds: incomplete JSON until the last write. */
    private static void writeSlowly(Path file) {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write("{\"from\": \"billing@example.com\", \"to\": \"customer@example.net\", \"subject\": \"growing\", \"text\": \""
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < 200; i++) {
                out.write(("line " + i + " of 199\\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(10);
            }
            out.write("\"}".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] withOneMegabyteHeader() {
        StringBuilder eml = new StringBuilder("From: billing@example.com\r\nTo: customer@example.net\r\nX-Big: start");
        String fold = "\r\n " + "x".repeat(74);
        while (eml.length() < 1024 * 1024) {
            eml.append(fold);
        }
        return eml.append("\r\nSubject: big header\r\n\r\nbody\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] overSizeLimit() {
        StringBuilder eml = new StringBuilder("From: billing@example.com\r\nTo: customer@example.net\r\nSubject: big\r\n\r\n");
        String line = "y".repeat(76) + "\r\n";
        while (eml.length() <= MAX_SIZE) {
            eml.append(line);
        }
        return eml.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
