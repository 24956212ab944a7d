package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static dev.oauthsmtprelay.fixtures.SharedBrokerCluster.sender;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.HaBrokerPair;
import dev.oauthsmtprelay.fixtures.HaBrokerPair.Role;
import dev.oauthsmtprelay.fixtures.HttpGet;
import dev.oauthsmtprelay.fixtures.ListenerClient;
import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.SharedBrokerCluster;

/**
 * Two relay processes on a shared-store HA pair of Artemis brokers, each broker its own JVM: the primary is killed
 * with SIGKILL while messages are queued and being delivered, and while an SMTP client sends to one relay's listener
 * and files arrive in the other's spool. The backup takes over, the relays reconnect by themselves and every message
 * is delivered: each listener message was either answered 250 or refused with a 4xx and sent again by the client,
 * and every spool file was queued; then the old primary is started again and takes its role back.
 */
@Tag("scale-out")
class BrokerFailoverTest {

    private static final int MESSAGES = 1_000;
    private static final int AFTER_FAILBACK = 100;
    private static final int INTAKE_CONCURRENCY = 2;
    private static final int DELIVERY_CONCURRENCY = 2;
    private static final int ACK_BATCH = 8;
    private static final int SPOOL_THREADS = 2;
    private static final int SPOOL_FIRST = 10_000;
    private static final int SPOOL_FILES = 20;
    private static final int SMTP_FIRST = 20_000;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A client that keeps sending to the listener, one message per connection, and notes what it was refused. */
    private static final class ListenerTraffic {
        private final int port;
        private final int first;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Integer> refused = new CopyOnWriteArrayList<>();
        private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
        private final AtomicInteger sent = new AtomicInteger();
        private final Thread thread = new Thread(this::run, "listener-traffic");

        ListenerTraffic(int port, int first) {
            this.port = port;
            this.first = first;
        }

        ListenerTraffic start() {
            thread.start();
            return this;
        }

        private void run() {
            while (running.get()) {
                int n = first + sent.get();
                ListenerClient.Answer answer = ListenerClient.send(port, SharedBrokerCluster.mime(n),
                        sender(n), "rcpt@example.net");
                if (!answer.accepted()) {
                    refused.add(n);
                    refusals.merge(answer.code() == 0 ? "no answer" : String.valueOf(answer.code()), 1, Integer::sum);
                }
                sent.incrementAndGet();
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }

        int sent() {
            return sent.get();
        }

        List<Integer> refused() {
            return List.copyOf(refused);
        }

        Map<String, Integer> refusals() {
            return Map.copyOf(refusals);
        }
    }

    private static JsonNode status(SharedBrokerCluster cluster, RelayProcess relay) {
        try {
            return JSON.readTree(HttpGet.get(cluster.healthPort(relay.name()), "/status").body());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the status of " + relay.name(), e);
        }
    }

    @Test
    void killing_the_primary_mid_run_loses_nothing_and_the_relays_follow_the_backup_and_the_failback()
            throws Exception {
        try (HaBrokerPair brokers = new HaBrokerPair(dir.resolve("brokers")).start(WAIT);
             SharedBrokerCluster cluster = new SharedBrokerCluster(dir, brokers.url())) {
            int listenerPort = FreePort.find();
            List<RelayProcess> relays = cluster.startRelays(Map.of("relay.jms.concurrency", INTAKE_CONCURRENCY,
                    "relay.delivery.concurrency", DELIVERY_CONCURRENCY, "relay.delivery.ack-batch", ACK_BATCH,
                    "relay.spool.intake-threads", SPOOL_THREADS),
                    name -> name.equals("relay-b") ? Map.of("relay.listener.enabled", true,
                            "relay.listener.port", listenerPort) : Map.of(), "relay-a", "relay-b");

            cluster.put(0, MESSAGES);
            await(WAIT, () -> cluster.distinctReceived(0, MESSAGES) >= MESSAGES / 4,
                    () -> "a quarter delivered before the kill, got " + cluster.distinctReceived(0, MESSAGES));
            int deliveredAtKill = cluster.distinctReceived(0, MESSAGES);
            // intake across the failover: an SMTP client sends to relay-b's listener, files arrive in relay-a's spool
            ListenerTraffic smtp = new ListenerTraffic(listenerPort, SMTP_FIRST).start();
            Thread.sleep(300);
            long killed = System.nanoTime();
            brokers.kill(Role.PRIMARY);
            for (int i = 0; i < SPOOL_FILES; i++) {
                Path part = cluster.spoolDir("relay-a").resolve("failover-" + i + ".part");
                Files.write(part, SharedBrokerCluster.mime(SPOOL_FIRST + i));
                Files.move(part, part.resolveSibling("failover-" + i + ".eml"), StandardCopyOption.ATOMIC_MOVE);
                Thread.sleep(50);
            }
            brokers.awaitActive(Role.BACKUP, WAIT);
            long backupActive = System.nanoTime();
            await(WAIT, () -> cluster.distinctReceived(0, MESSAGES) > deliveredAtKill + 10,
                    () -> "deliveries after the failover; relay-a's log:\n" + relays.get(0).logTail());
            long flowing = System.nanoTime();
            await(WAIT, () -> cluster.distinctReceived(0, MESSAGES) == MESSAGES,
                    () -> MESSAGES + " messages at the hub after the failover, got "
                            + cluster.distinctReceived(0, MESSAGES) + "; relay-a's log:\n" + relays.get(0).logTail());
            Thread.sleep(500);
            smtp.stop();
            List<Integer> refused = smtp.refused();
            for (int n : refused) { // as a mail server does with a 4xx: it keeps the message and sends it again
                await(WAIT, () -> ListenerClient.send(listenerPort, SharedBrokerCluster.mime(n),
                        sender(n), "rcpt@example.net").accepted(), () -> "message " + n + " taken again");
            }
            int smtpSent = smtp.sent();
            await(WAIT, () -> cluster.distinctReceived(SMTP_FIRST, smtpSent) == smtpSent,
                    () -> smtpSent + " listener messages at the hub, got "
                            + cluster.distinctReceived(SMTP_FIRST, smtpSent));
            await(WAIT, () -> cluster.distinctReceived(SPOOL_FIRST, SPOOL_FILES) == SPOOL_FILES,
                    () -> SPOOL_FILES + " spool files at the hub, got "
                            + cluster.distinctReceived(SPOOL_FIRST, SPOOL_FILES) + "; relay-a's log:\n"
                            + relays.get(0).logTail());
            Thread.sleep(1000); // a message delivered twice would arrive now
            int duplicates = cluster.duplicates(0, MESSAGES);
            int intakeDuplicates = cluster.duplicates(SMTP_FIRST, smtpSent)
                    + cluster.duplicates(SPOOL_FIRST, SPOOL_FILES);
            try (Stream<Path> left = Files.list(cluster.spoolDir("relay-a"))) {
                assertThat(left.filter(f -> f.toString().endsWith(".eml")).toList()).as("the spool ends empty")
                        .isEmpty();
            }
            System.out.printf("broker failover intake: %d listener messages during the failover, %d answered 4xx and "
                    + "sent again (%s); %d spool files; %d duplicate(s) among them%n", smtpSent, refused.size(),
                    smtp.refusals(), SPOOL_FILES, intakeDuplicates);
            // a 4xx for a message the broker had in fact taken, or a file queued but not yet deleted, comes twice; so
            // does one that was delivered and waited for its batch's commit when the broker went (ACK_BATCH per
            // delivery consumer, whichever messages they were)
            int deliveryBatches = relays.size() * DELIVERY_CONCURRENCY * ACK_BATCH;
            assertThat(intakeDuplicates).as("intake duplicates")
                    .isLessThanOrEqualTo(refused.size() + SPOOL_THREADS + deliveryBatches);
            assertThat(duplicates + intakeDuplicates).as("duplicates at the failover, all messages")
                    .isLessThanOrEqualTo(relays.size() * INTAKE_CONCURRENCY + deliveryBatches + refused.size()
                            + SPOOL_THREADS);
            // The status comes from a watch connection of its own, which reconnects on its own retry schedule: it may
            // report the failover a little after the routes' connections have already moved on.
            for (RelayProcess relay : relays) {
                await(WAIT, () -> {
                    JsonNode broker = status(cluster, relay).get("broker");
                    return broker.get("failovers").asInt() >= 1
                            && broker.get("connectedTo").asText().endsWith(":" + brokers.port(Role.BACKUP));
                }, () -> relay.name() + " reports a failover to the backup on port " + brokers.port(Role.BACKUP)
                        + "; its status: " + status(cluster, relay).get("broker") + "; its log:\n" + relay.logTail());
            }
            System.out.printf("broker failover: %d messages, primary killed after %d delivered; backup active %d ms "
                            + "after the kill, deliveries again %d ms after it; %d duplicate(s)%n", MESSAGES,
                    deliveredAtKill, (backupActive - killed) / 1_000_000, (flowing - killed) / 1_000_000, duplicates);

            brokers.launch(Role.PRIMARY);
            brokers.awaitActive(Role.PRIMARY, WAIT);
            await(WAIT, () -> !brokers.isActive(Role.BACKUP), () -> "the backup hands back and waits again");
            cluster.put(MESSAGES, AFTER_FAILBACK);
            await(WAIT, () -> cluster.distinctReceived(MESSAGES, AFTER_FAILBACK) == AFTER_FAILBACK,
                    () -> AFTER_FAILBACK + " messages after the failback, got "
                            + cluster.distinctReceived(MESSAGES, AFTER_FAILBACK));
            Thread.sleep(500);
            for (RelayProcess relay : relays) {
                await(WAIT, () -> status(cluster, relay).get("broker").get("connectedTo").asText()
                        .endsWith(":" + brokers.port(Role.PRIMARY)), () -> relay.name() + " back on the primary");
            }
            int duplicatesAfterFailback = cluster.duplicates(0, MESSAGES + AFTER_FAILBACK) - duplicates;
            System.out.printf("broker failback: %d messages after the old primary took over again; %d duplicate(s) "
                    + "during the failback%n", AFTER_FAILBACK, duplicatesAfterFailback);

            // What can be delivered twice: per relay, what each intake and delivery consumer held when the broker
            // went (sent on but not acknowledged; accepted by the hub and waiting for the commit of its batch, up to
            // ACK_BATCH per delivery consumer), at each switch.
            int inFlight = relays.size() * (INTAKE_CONCURRENCY + DELIVERY_CONCURRENCY * ACK_BATCH);
            assertThat(duplicates).as("duplicates at the failover").isLessThanOrEqualTo(inFlight);
            assertThat(duplicatesAfterFailback).as("duplicates at the failback").isLessThanOrEqualTo(inFlight);
            assertThat(relays).allMatch(RelayProcess::isAlive);
        }
    }
}
