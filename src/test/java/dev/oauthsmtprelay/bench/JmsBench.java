package dev.oauthsmtprelay.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.oauthsmtprelay.fixtures.Eventually;
import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.SharedBrokerCluster;

/**
 * JMS intake throughput (see bench/README.md): an Artemis broker with the intake queue, 1..K relay instances (each
 * its own JVM) on it, the local STARTTLS + XOAUTH2 hub. N MIME messages are put on the intake queue; the rate is
 * N / (first put → last message accepted by the hub).
 *
 * <pre>JmsBench N MAX_INSTANCES INTAKE_CONCURRENCY DELIVERY_CONCURRENCY</pre>
 */
public final class JmsBench {

    private static final int WARM_UP = 200;

    private JmsBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int maxInstances = Integer.parseInt(args[1]);
        Map<String, Object> tuning = Map.of("relay.jms.concurrency", args[2], "relay.delivery.concurrency", args[3],
                "relay.log.level", "WARN");
        System.out.printf(Locale.ROOT, "== %,d messages on the intake queue, relay.jms.concurrency=%s, "
                + "relay.delivery.concurrency=%s, %d available processors%n", n, args[2], args[3],
                Runtime.getRuntime().availableProcessors());
        for (int instances = 1; instances <= maxInstances; instances++) {
            run(n, instances, tuning);
        }
        System.exit(0);
    }

    private static void run(int n, int instances, Map<String, Object> tuning) throws Exception {
        Path dir = Files.createTempDirectory("relay-jms-bench-");
        try (SharedBrokerCluster cluster = new SharedBrokerCluster(dir)) {
            String[] names = new String[instances];
            for (int i = 0; i < instances; i++) {
                names[i] = "relay-" + (i + 1);
            }
            List<RelayProcess> relays = cluster.startRelays(tuning, names);
            cluster.put(0, WARM_UP); // JIT, SMTP connections and tokens; not counted
            Eventually.await(Duration.ofSeconds(120), () -> cluster.distinctReceived(0, WARM_UP) == WARM_UP,
                    () -> "the warm-up messages");

            long start = System.nanoTime();
            cluster.put(WARM_UP, n);
            long putMillis = (System.nanoTime() - start) / 1_000_000;
            Eventually.await(Duration.ofSeconds(600), () -> cluster.distinctReceived(WARM_UP, n) == n,
                    () -> n + " messages at the hub, got " + cluster.distinctReceived(WARM_UP, n));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%d instance(s): %.0f msgs/s (%,d messages in %.2f s; putting them on the "
                    + "intake queue took %.2f s); %d duplicate(s)%n", instances, n / seconds, n, seconds,
                    putMillis / 1000.0, cluster.duplicates(WARM_UP, n));
            relays.forEach(r -> System.out.printf(Locale.ROOT, "    %s alive: %s%n", r.name(), r.isAlive()));
        }
    }
}
