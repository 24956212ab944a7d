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
 * A service stop: SIGTERM ({@code Process.destroy()}, what systemd and Kubernetes send) while a relay process
 * delivers a backlog to a slow hub. The process must end on its own well within the unit's TimeoutStopSec (90 s),
 * with the exit status of a JVM stopped by SIGTERM, after intake stopped, the deliveries in flight ended and the
 * broker closed its journal; started again, it delivers every remaining message, none lost.
 */
class ServiceStopTest {

    private static final int MESSAGES = 300;
    private static final int CONCURRENCY = 4;
    private static final Duration STOP_WITHIN = Duration.ofSeconds(30);
    private static final Pattern SUBJECT = Pattern.compile("Subject: stop-test-(\\d+)");

    @TempDir
    Path dir;

    @Test
    void should_stop_cleanly_on_sigterm_and_lose_nothing() throws Exception {
        try (TokenServer tokens = new TokenServer();
             XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().replyLatency(Duration.ofMillis(20))
                     .tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start()) {
            Path credentials = TestCredentials.microsoftFile(dir, tokens);
            try (RelayProcess relay = RelayProcess.forHub(dir, credentials, hub,
                    Map.of("relay.delivery.concurrency", CONCURRENCY, "relay.spool.max-per-poll", 20))) {
                writeSpool(dir.resolve("spool"));
                relay.start();
                await(Duration.ofSeconds(60), () -> hub.messageCount() >= 30,
                        () -> "30 delivered before the stop; " + relay.logTail());

                long stopAt = System.nanoTime();
                relay.terminate();
                int exit = relay.awaitExit(STOP_WITHIN);
                long stopMs = Duration.ofNanos(System.nanoTime() - stopAt).toMillis();
                int atStop = hub.messageCount();
                long spoolAtStop = count(dir.resolve("spool"));
                Thread.sleep(300);
                assertThat(hub.messageCount()).as("nothing delivered after the process ended").isEqualTo(atStop);
                assertThat(exit).as("the exit status of a JVM ended by SIGTERM (SuccessExitStatus=143)").isEqualTo(143);
                String stopLog = relay.log();
                assertThat(stopLog).as("the broker closed its journal")
                        .containsPattern("Embedded Artemis broker stopped in \\d+ ms: journal .* closed");
                assertThat(stopLog).as("no error while stopping").doesNotContain(" ERROR ");
                assertThat(atStop).as("the backlog was not drained during the stop").isLessThan(MESSAGES);

                relay.start();
                await(Duration.ofSeconds(120), () -> distinct(hub).size() == MESSAGES,
                        () -> distinct(hub).size() + " of " + MESSAGES + " delivered after the restart; "
                                + relay.logTail());
                Thread.sleep(500);
                int duplicates = hub.messageCount() - MESSAGES;
                System.out.printf("[reliability] SIGTERM: messages=%d, delivered before the stop=%d, spool files left"
                                + "=%d, stop took %d ms, exit=%d, lost=%d, duplicates=%d%n", MESSAGES, atStop,
                        spoolAtStop, stopMs, exit, MESSAGES - distinct(hub).size(), duplicates);
                assertThat(duplicates).as("a clean stop sends nothing twice").isZero();
                assertThat(count(dir.resolve("spool"))).as("spool emptied").isZero();
            }
        }
    }

    private static void writeSpool(Path spool) throws IOException {
        Files.createDirectories(spool);
        for (int i = 0; i < MESSAGES; i++) {
            Files.writeString(spool.resolve("m" + i + ".eml"), "From: billing@example.com\r\nTo: customer@example.net\r\n"
                    + "Subject: stop-test-" + i + "\r\n\r\nmessage " + i + "\r\n", StandardCharsets.US_ASCII);
        }
    }

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
