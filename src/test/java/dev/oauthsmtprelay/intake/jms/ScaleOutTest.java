package dev.oauthsmtprelay.intake.jms;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.SharedBrokerCluster;

/**
 * Two relay instances, each its own JVM, as competing consumers on one Artemis broker: the work is split, every
 * message is delivered exactly once, and when one instance is killed the other finishes without losing anything.
 */
@Tag("scale-out")
class ScaleOutTest {

    private static final int MESSAGES = 2_000;
    private static final int INTAKE_CONCURRENCY = 2;
    private static final int DELIVERY_CONCURRENCY = 2;
    /** Delivered messages a consumer commits together, so that the kill also tests batches on a shared broker. */
    private static final int ACK_BATCH = 8;
    private static final Duration DRAIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void should_split_the_work_deliver_each_message_once_and_lose_nothing_when_an_instance_is_killed()
            throws Exception {
        try (SharedBrokerCluster cluster = new SharedBrokerCluster(dir)) {
            Map<String, Object> tuning = Map.of("relay.jms.concurrency", INTAKE_CONCURRENCY,
                    "relay.delivery.concurrency", DELIVERY_CONCURRENCY, "relay.delivery.ack-batch", ACK_BATCH);
            List<RelayProcess> relays = cluster.startRelays(tuning, "relay-a", "relay-b");
            RelayProcess first = relays.get(0);
            RelayProcess second = relays.get(1);

            // both instances running: every message exactly once, and both did a share
            long start = System.nanoTime();
            cluster.put(0, MESSAGES);
            await(DRAIN, () -> cluster.distinctReceived(0, MESSAGES) == MESSAGES,
                    () -> MESSAGES + " messages at the hub, got " + cluster.distinctReceived(0, MESSAGES));
            System.out.printf("scale-out: %d messages through two instances in %d ms%n", MESSAGES,
                    (System.nanoTime() - start) / 1_000_000);
            Thread.sleep(500); // a message delivered twice would arrive now
            assertThat(cluster.duplicates(0, MESSAGES)).as("duplicates with both instances running").isZero();
            int firstShare = first.delivered();
            int secondShare = second.delivered();
            System.out.printf("scale-out: %d messages, %s delivered %d, %s delivered %d%n", MESSAGES, first.name(),
                    firstShare, second.name(), secondShare);
            assertThat(firstShare + secondShare).isEqualTo(MESSAGES);
            assertThat(firstShare).as(first.name() + "'s share").isGreaterThan(MESSAGES / 10);
            assertThat(secondShare).as(second.name() + "'s share").isGreaterThan(MESSAGES / 10);

            // kill one instance in the middle of a run: the survivor finishes, nothing is lost
            cluster.put(MESSAGES, MESSAGES);
            await(DRAIN, () -> cluster.distinctReceived(MESSAGES, MESSAGES) >= MESSAGES / 4,
                    () -> "a quarter of the second run delivered before the kill");
            first.kill();
            int survivorBefore = second.delivered();
            await(DRAIN, () -> cluster.distinctReceived(MESSAGES, MESSAGES) == MESSAGES,
                    () -> MESSAGES + " messages of the second run at the hub after the kill, got "
                            + cluster.distinctReceived(MESSAGES, MESSAGES) + "; survivor log:\n" + second.log());
            Thread.sleep(1000);
            int duplicates = cluster.duplicates(MESSAGES, MESSAGES);
            System.out.printf("scale-out: killed %s mid-run; %s finished the run (%d more deliveries); "
                    + "%d duplicate(s) (bound: %d in flight in the killed instance)%n", first.name(), second.name(),
                    second.delivered() - survivorBefore, duplicates,
                    INTAKE_CONCURRENCY + DELIVERY_CONCURRENCY * ACK_BATCH);
            assertThat(second.delivered()).as("the survivor took over").isGreaterThan(survivorBefore);
            // What the killed instance held: at most one intake message per intake consumer (queued, not yet
            // acknowledged to the intake queue) and one batch per delivery consumer (accepted by the hub, not yet
            // committed): each of those can be delivered once more, nothing else.
            assertThat(duplicates).isLessThanOrEqualTo(INTAKE_CONCURRENCY + DELIVERY_CONCURRENCY * ACK_BATCH);
            assertThat(second.isAlive()).isTrue();
        }
    }
}
