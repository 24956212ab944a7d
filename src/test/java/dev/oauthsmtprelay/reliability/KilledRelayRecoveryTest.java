package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * SIGKILL of a relay JVM in the middle of a 2,000-message spool: after a restart every message
 * reaches the hub; the only duplicates are messages that were between "sent" and "acknowledged" at
 * the kill, so there are at most as many as could be in flight then: delivered and waiting for their batch's commit
 * (relay.delivery.ack-batch per consumer), or queued from a spool file not yet deleted.
 */
class KilledRelayRecoveryTest {

    private static final int MESSAGES = 2_000;
    private static final int CONCURRENCY = 4;
    private static final int INTAKE_THREADS = 8;
    private static final int ACK_BATCH = 8;
    private static final Pattern SUBJECT = Pattern.compile("Subject: crash-test-(\\d+)");

    @TempDir
    Path dir;

    @Test
    void should_deliver_every_message_after_a_kill_minus_9_with_duplicates_bounded_by_those_in_flight() throws Exception {
        try (TokenServer tokens = new TokenServer();
             XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder()
                     .tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start()) {
            Path credentials = TestCredentials.microsoftFile(dir, tokens);
            try (RelayProcess relay = RelayProcess.forHub(dir, credentials, hub,
                    // Small intake batches keep intake and delivery overlapping, so the kill hits both at work.
                    Map.of("relay.delivery.concurrency", CONCURRENCY, "relay.delivery.ack-batch", ACK_BATCH,
                            "relay.spool.intake-threads", INTAKE_THREADS, "relay.spool.max-per-poll", 50))) {
                writeSpool(dir.resolve("spool"));
                relay.start();
                await(Duration.ofSeconds(60), () -> hub.messageCount() >= MESSAGES / 3 + 7,
                        () -> "a third delivered before the kill; " + relay.logTail());
                relay.kill();
                int atKill = hub.messageCount();
                long spoolAtKill = count(dir.resolve("spool"));

                relay.start();
                await(Duration.ofSeconds(120), () -> distinct(hub).size() == MESSAGES,
                        () -> distinct(hub).size() + " of " + MESSAGES + " delivered after the restart; " + relay.logTail());
                Thread.sleep(1000); // anything still redelivered after the last new message shows up as a duplicate

                Map<Integer, Integer> copies = distinct(hub);
                int duplicates = hub.messageCount() - MESSAGES;
                System.out.printf("[reliability] kill -9: messages=%d, delivered before kill=%d, spool files left at kill=%d,"
                        + " lost=%d, duplicates=%d%n", MESSAGES, atKill, spoolAtKill, MESSAGES - copies.size(), duplicates);
                assertThat(copies).hasSize(MESSAGES);
                // In flight at the kill: up to ACK_BATCH messages per consumer delivered but not yet committed to the
                // broker, plus one spool file per intake thread being queued (on the queue, not yet deleted).
                assertThat(duplicates).as("duplicates").isBetween(0, CONCURRENCY * ACK_BATCH + INTAKE_THREADS);
                assertThat(count(dir.resolve("spool"))).as("spool emptied").isZero();
                assertThat(dir.resolve("data").resolve("deadletter")).satisfiesAnyOf(
                        d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());
            }
        }
    }

    private static void writeSpool(Path spool) throws IOException {
        Files.createDirectories(spool);
        for (int i = 0; i < MESSAGES; i++) {
            Files.writeString(spool.resolve("m" + i + ".eml"), "From: billing@example.com\r\nTo: customer@example.net\r\n"
                    + "Subject: crash-test-" + i + "\r\n\r\nmessage " + i + "\r\n", StandardCharsets.US_ASCII);
        }
    }

    /** Message number → how many copies the hub received. */
    private static Map<Integer, Integer> distinct(XOAuth2SmtpHub hub) {
        Map<Integer, Integer> copies = new HashMap<>();
        for (XOAuth2SmtpHub.ReceivedMessage message : hub.messages()) {
            Matcher matcher = SUBJECT.matcher(message.dataAsString());
            if (matcher.find()) {
                copies.merge(Integer.parseInt(matcher.group(1)), 1, Integer::sum);
            }
        }
        return copies;
    }

    private static long count(Path spool) throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".eml")).count();
        }
    }
}
