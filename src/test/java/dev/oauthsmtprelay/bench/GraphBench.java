package dev.oauthsmtprelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.sandbox.SandboxGraph;
import dev.oauthsmtprelay.sandbox.SandboxTokenServer;

/**
 * Graph transport throughput (see bench/README.md): N spool files from one sender mailbox go out through the Graph
 * stand-in, which answers every request after LATENCY_MS, once with relay.graph.max-per-mailbox=1 and once with 4.
 * The relay runs from its jar in its own JVM, a fresh one per setting, for two rounds of N (the second with the JIT
 * warm). Prints msgs/s and the relay's CPU per message for each round, its peak RSS, the most requests the stand-in
 * saw in flight, and whether anything was lost or sent twice.
 *
 * <pre>GraphBench N LATENCY_MS JAR JVM_OPTIONS</pre>
 */
public final class GraphBench {

    private static final String SENDER = "statements@" + RelayBench.DOMAIN;

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int latency = Integer.parseInt(args[1]);
        Path jar = Path.of(args[2]);
        String jvmOptions = args[3];
        System.out.printf(Locale.ROOT, "== %,d messages of ~2 KB as one mailbox through the Graph stand-in (reply "
                + "latency %d ms), relay JVM %s, %d available processors%n", n, latency, jvmOptions,
                Runtime.getRuntime().availableProcessors());
        for (int perMailbox : new int[] {1, 4}) {
            run(n, latency, perMailbox, jar, jvmOptions);
        }
        System.exit(0);
    }

    private static void run(int n, int latency, int perMailbox, Path jar, String jvmOptions) throws Exception {
        Path work = Files.createTempDirectory("relay-graph-bench-");
        try (SandboxTokenServer tokens = SandboxTokenServer.start();
             SandboxGraph graph = SandboxGraph.start(tokens).latency(Duration.ofMillis(latency))) {
            Path spool = work.resolve("spool");
            Files.createDirectories(spool);
            for (int i = 0; i < n; i++) {
                drop(spool, i);
            }
            Process relay = start(jar, jvmOptions, config(work, tokens, graph, perMailbox), work);
            try {
                System.out.printf(Locale.ROOT, "-- relay.graph.max-per-mailbox=%d%n", perMailbox);
                round(graph, relay, 0, n, "round 1 (relay JVM just started: includes JIT compilation)");
                for (int i = n; i < 2 * n; i++) {
                    drop(spool, i);
                }
                round(graph, relay, n, n, "round 2 (same relay process, JIT warm)");
                Thread.sleep(1500); // anything sent twice is sent now
                long distinct = graph.sent().stream().map(GraphBench::subject).distinct().count();
                System.out.printf(Locale.ROOT, "peak requests in flight as %s: %d; relay peak RSS (VmHWM): %d MB%n",
                        SENDER, graph.peakInFlight(SENDER), ProcessMeter.peakRssKb(relay.pid()) / 1024);
                System.out.printf(Locale.ROOT, "Graph sent %,d for %,d spool files: %d missing, %d duplicated%n",
                        graph.sentCount(), 2 * n, 2 * n - distinct, graph.sentCount() - distinct);
            } finally {
                relay.destroy();
                if (!relay.waitFor(30, TimeUnit.SECONDS)) {
                    relay.destroyForcibly();
                }
            }
        }
    }

    /** From the first of the round's messages Graph sent to the last: msgs/s and the relay's CPU per message. */
    private static void round(SandboxGraph graph, Process relay, int before, int n, String label) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (graph.sentCount() <= before && System.nanoTime() < deadline && relay.isAlive()) {
            Thread.sleep(5);
        }
        long first = System.nanoTime();
        double cpuBefore = ProcessMeter.cpuSeconds(relay.pid());
        int sentAtFirst = graph.sentCount();
        int last = sentAtFirst;
        long progress = System.nanoTime();
        while (graph.sentCount() < before + n && relay.isAlive() && System.nanoTime() - progress < 60e9) {
            Thread.sleep(5);
            if (graph.sentCount() != last) {
                last = graph.sentCount();
                progress = System.nanoTime();
            }
        }
        long elapsed = System.nanoTime() - first;
        double cpu = ProcessMeter.cpuSeconds(relay.pid()) - cpuBefore;
        int counted = graph.sentCount() - sentAtFirst;
        System.out.printf(Locale.ROOT, "%s: %.0f msgs/s (%,d after the first in %.2f s), relay CPU (spool intake "
                + "and Graph delivery) %.2f ms per message%n", label, counted / (elapsed / 1e9), counted,
                elapsed / 1e9, cpu * 1000 / Math.max(1, counted));
    }

    private static String subject(SandboxGraph.SentMessage sent) {
        try {
            return sent.parsed().getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void drop(Path spool, int i) throws IOException {
        String body = "x".repeat(72) + "\r\n";
        String mime = "From: " + SENDER + "\r\nTo: customer" + i + "@example.net\r\nSubject: Statement " + i
                + "\r\nMessage-ID: <statement-" + i + "@" + RelayBench.DOMAIN + ">\r\n\r\n" + body.repeat(26);
        Path temp = spool.resolve(".s" + i + ".tmp");
        Files.writeString(temp, mime);
        Files.move(temp, spool.resolve("s" + i + ".eml"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path config(Path work, SandboxTokenServer tokens, SandboxGraph graph, int perMailbox)
            throws IOException {
        Path credentials = TestCredentials.graphFile(work, tokens, graph.endpoint(), RelayBench.DOMAIN);
        Path config = work.resolve("relay.properties");
        StringBuilder text = new StringBuilder()
                .append("relay.credentials=").append(credentials).append('\n')
                .append("relay.alias-domain=").append(RelayBench.DOMAIN).append('\n')
                .append("relay.data.dir=").append(work.resolve("data")).append('\n')
                .append("relay.spool.dir=").append(work.resolve("spool")).append('\n')
                .append("relay.graph.max-per-mailbox=").append(perMailbox).append('\n')
                // measure the relay, not Exchange's 30 a minute
                .append("relay.pacing.messages-per-minute=0\n")
                .append("relay.quota.recipients-per-day=0\n").append("relay.quota.messages-per-day=0\n")
                .append("relay.log.level=WARN\n");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("relay."))
                .forEach(k -> text.append(k).append('=').append(System.getProperty(k)).append('\n'));
        Files.writeString(config, text);
        return config;
    }

    private static Process start(Path jar, String jvmOptions, Path config, Path work) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(Arrays.asList(jvmOptions.split(" ")));
        command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
        System.out.println("work directory (relay.log, broker journal; delete when done): " + work);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("relay.log").toFile())).start();
    }
}
