package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.HaBrokerPair;
import dev.oauthsmtprelay.fixtures.HttpGet;
import dev.oauthsmtprelay.fixtures.HaBrokerPair.Role;
import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.SharedBrokerCluster;

/**
 * Two relay processes on a shared-store HA pair of Artemis brokers, each broker its own JVM: the primary is killed
 * with SIGKILL while messages are queued and being delivered, the backup takes over, the relays reconnect by
 * themselves and every message is delivered; then the old primary is started again and takes its role back.
 */
@Tag("scale-out")
class BrokerFailoverTest {

    private static final int MESSAGES = 1_000;
    private static final int AFTER_FAILBACK = 100;
    private static final int INTAKE_CONCURRENCY = 2;
    private static final int DELIVERY_CONCURRENCY = 2;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

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
            List<RelayProcess> relays = cluster.startRelays(Map.of("relay.jms.concurrency", INTAKE_CONCURRENCY,
                    "relay.delivery.concurrency", DELIVERY_CONCURRENCY), "relay-a", "relay-b");

            cluster.put(0, MESSAGES);
            await(WAIT, () -> cluster.distinctReceived(0, MESSAGES) >= MESSAGES / 4,
                    () -> "a quarter delivered before the kill, got " + cluster.distinctReceived(0, MESSAGES));
            int deliveredAtKill = cluster.distinctReceived(0, MESSAGES);
            long killed = System.nanoTime();
            brokers.kill(Role.PRIMARY);
            brokers.awaitActive(Role.BACKUP, WAIT);
            long backupActive = System.nanoTime();
            await(WAIT, () -> cluster.distinctReceived(0, MESSAGES) > deliveredAtKill + 10,
                    () -> "deliveries after the failover; relay-a's log:\n" + relays.get(0).logTail());
            long flowing = System.nanoTime();
            await(WAIT, () -> cluster.distinctReceived(0, MESSAGES) == MESSAGES,
                    () -> MESSAGES + " messages at the hub after the failover, got "
                            + cluster.distinctReceived(0, MESSAGES) + "; relay-a's log:\n" + relays.get(0).logTail());
            Thread.sleep(1000); // a message delivered twice would arrive now
            int duplicates = cluster.duplicates(0, MESSAGES);
            for (RelayProcess relay : relays) {
                JsonNode broker = status(cluster, relay).get("broker");
                assertThat(broker.get("failovers").asInt()).as(relay.name() + "'s failovers").isGreaterThanOrEqualTo(1);
                assertThat(broker.get("connectedTo").asText()).as(relay.name() + " follows the backup")
                        .endsWith(":" + brokers.port(Role.BACKUP));
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
            // went (sent on but not acknowledged, accepted by the hub but not acknowledged), at each switch.
            int inFlight = relays.size() * (INTAKE_CONCURRENCY + DELIVERY_CONCURRENCY);
            assertThat(duplicates).as("duplicates at the failover").isLessThanOrEqualTo(inFlight);
            assertThat(duplicatesAfterFailback).as("duplicates at the failback").isLessThanOrEqualTo(inFlight);
            assertThat(relays).allMatch(RelayProcess::isAlive);
        }
    }
}
