package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.ListenerClient;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * relay.data.dir (the embedded Artemis journal) on a small tmpfs that fills up while the relay runs and files keep
 * arriving: Artemis's own answer to a full disk is to block producers until there is room, which would leave spool
 * intake threads waiting silently. The relay must instead refuse at once, report the condition in one line, leave
 * every file in the spool, and queue each exactly once when space is freed.
 */
class DataDirectoryFullTest {

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
    void should_keep_files_in_the_spool_report_once_and_relay_each_once_when_the_data_directory_has_room_again()
            throws Exception {
        dataFs = bed.closeAfter(Tmpfs.mountOrSkip(dir.resolve("datafs"), "48m", "the full data directory case"));
        Path data = dataFs.path().resolve("data");
        log = bed.closeAfter(CapturedLog.attach());
        hub = bed.hub();
        int listenerPort = FreePort.find();
        relay = bed.harness(dir, Map.of(
                "relay.data.dir", data,
                "relay.broker.disk-scan-period", "100",
                "relay.listener.enabled", true,
                "relay.listener.port", listenerPort)).start();
        for (int i = 0; i < 3; i++) {
            relay.drop("before-" + i + ".eml", message("before " + i));
        }
        hub.awaitMessages(3, WAIT);

        long filler = dataFs.fill(dataFs.path().resolve("filler.bin"), 256 * 1024);
        int usedPercent = dataFs.usedPercent();
        long fullSince = System.nanoTime();
        await(WAIT, () -> log.count(Level.WARN, "Data directory " + data.resolve("broker"), "is full") > 0,
                () -> "a warning that the data directory is full");
        long reportedAfterMs = Duration.ofNanos(System.nanoTime() - fullSince).toMillis();
        for (int i = 0; i < 5; i++) {
            relay.drop("during-" + i + ".eml", message("during " + i));
        }
        Thread.sleep(2000); // about 20 polls of the spool at 100 ms

        // the listener: 452 at MAIL FROM, before any data, so the client keeps the message; one warning for all
        for (int i = 0; i < 3; i++) {
            assertThat(smtpReplyTo(listenerPort, "listener " + i)).as("the listener's answer while full")
                    .startsWith("452 4.3.1").endsWith("(answer to MAIL FROM:<billing@example.com>)");
        }
        assertThat(log.lines(Level.WARN, "SMTP listener answers 452")).as("one warning for all sessions").hasSize(1);

        List<String> blockedThreads = threadsWaitingForBrokerCredits();
        assertThat(blockedThreads).as("no thread waits for the broker to take a message").isEmpty();
        long refusedAfterMs = sendToTheQueueIsRefusedAtOnce();
        int deliveredWhileFull = hub.messageCount() - 3;
        assertThat(deliveredWhileFull).as("nothing new delivered while the data directory is full").isZero();
        assertThat(spoolFiles()).as("every file stays in the spool").hasSize(5);
        assertThat(relay.filesIn(relay.errorDir(), ".eml")).as("no good file moved to .error").isZero();
        assertThat(log.lines(Level.WARN, "is full")).as("one warning for the spool, one for the listener").hasSize(2);
        assertThat(log.lines(Level.WARN, "is full").get(0)).contains("relay.data.dir", "relay.broker.max-disk-usage",
                "Free space");
        assertThat(log.count(Level.WARN, "Could not queue spool file")).as("no warning per file").isZero();
        assertThat(log.count(Level.WARN, "Rollback file strategy")).as("no file taken and rolled back").isZero();

        Files.delete(dataFs.path().resolve("filler.bin"));
        long freedAt = System.nanoTime();
        await(WAIT, () -> spoolFiles().isEmpty(), () -> "the spool is emptied once there is room: " + spoolFiles());
        await(WAIT, () -> "250".equals(smtpReplyTo(listenerPort, "listener again")),
                () -> "the listener takes mail again");
        hub.awaitMessages(9, WAIT);
        long recoveredMs = Duration.ofNanos(System.nanoTime() - freedAt).toMillis();
        Thread.sleep(500);
        System.out.printf("[reliability] data directory full: filler=%d bytes (%d%% used), reported after %d ms, "
                        + "a send refused after %d ms, delivered while full=%d, files kept=5, delivered %d ms after "
                        + "space was freed, total=%d%n",
                filler, usedPercent, reportedAfterMs, refusedAfterMs, deliveredWhileFull, recoveredMs,
                hub.messageCount());
        assertThat(hub.messageCount()).as("each file, and the listener's message, relayed exactly once").isEqualTo(9);
        assertThat(log.count(Level.INFO, "has room again")).as("one line each when the condition ends").isEqualTo(2);
        assertThat(log.count(Level.WARN, "is full")).isEqualTo(2);
    }

    private List<String> spoolFiles() {
        try (Stream<Path> files = Files.list(relay.spoolDir())) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".eml")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A file taken just before the broker noticed the full disk is sent anyway: that send must fail (the file stays)
     * instead of waiting for room, which is what Artemis does by default.
     */
    private long sendToTheQueueIsRefusedAtOnce() throws Exception {
        ConnectionFactory factory = relay.context().getRegistry()
                .lookupByNameAndType("relayProducerConnectionFactory", ConnectionFactory.class);
        long started = System.nanoTime();
        CompletableFuture<Throwable> send = CompletableFuture.supplyAsync(() -> {
            try (Connection connection = factory.createConnection();
                 Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                session.createProducer(session.createQueue("relay.outbound")).send(session.createTextMessage("x"));
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        Throwable refused = send.get(10, TimeUnit.SECONDS);
        assertThat(refused).as("a send while the data directory is full is refused").isNotNull();
        assertThat(refused).hasStackTraceContaining("full");
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }

    /** Artemis's core client waits here, in a loop without end, while the broker grants no producer credits. */
    private static List<String> threadsWaitingForBrokerCredits() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("acquireCredits")))
                .map(e -> e.getKey().getName()).toList();
    }

    /** Sends one message to the listener; returns "250", or the reply it was refused with and to which command. */
    private static String smtpReplyTo(int port, String subject) {
        ListenerClient.Answer answer = ListenerClient.send(port, message(subject).getBytes(StandardCharsets.US_ASCII),
                "billing@example.com", "customer@example.net");
        return answer.accepted() ? "250" : answer.text() + " (answer to " + answer.command() + ")";
    }

    private static String message(String subject) {
        return "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
    }
}
