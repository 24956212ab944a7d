package dev.oauthsmtprelay.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The SMTP listener's throughput (see bench/README.md): SESSIONS client connections push N messages of ~2 KB into
 * the relay's listener while the relay delivers them to the local STARTTLS + XOAUTH2 hub. The relay runs from its
 * jar in its own JVM. Prints msgs/s accepted (250 after DATA) and delivered, the DATA → 250 latency, the relay's CPU
 * per message and its peak RSS, and whether anything was lost or duplicated.
 *
 * <pre>ListenerBench N SESSIONS ROUNDS JAR JVM_OPTIONS</pre>
 */
public final class ListenerBench {

    private static final String SEQUENCE = "X-Bench-Seq: ";

    private final Path work;
    private final BenchTokens tokens;
    private final XOAuth2SmtpHub hub;
    private final Map<Integer, Integer> receivedBySeq = new ConcurrentHashMap<>();
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicLong lastReceived = new AtomicLong();
    /** When each 250 after DATA arrived (System.nanoTime), this round. */
    private final List<Long> acceptedAt = Collections.synchronizedList(new ArrayList<>());

    private ListenerBench(Path work) {
        this.work = work;
        this.tokens = BenchTokens.start(System.getProperty("bench.provider", "microsoft"), RelayBench.DOMAIN);
        this.hub = XOAuth2SmtpHub.builder()
                .tlsMode(XOAuth2SmtpHub.TlsMode.STARTTLS_REQUIRED)
                .certificate(XOAuth2SmtpHub.CertificateKind.LOCALHOST)
                .rejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365)
                .hubName("smtp." + RelayBench.DOMAIN)
                .tokenValidator(tokens.validator())
                .onMessage(this::record)
                .start();
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("relay-listener-bench-");
        System.out.println("work directory (relay.log, broker journal; delete when done): " + work);
        ListenerBench bench = new ListenerBench(work);
        try {
            bench.run(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[3]),
                    args[4]);
        } finally {
            bench.hub.close();
            bench.tokens.close();
        }
        System.exit(0);
    }

    private void run(int n, int sessions, int rounds, Path jar, String jvmOptions) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        System.out.printf(Locale.ROOT, "== %,d messages of ~2 KB over %d SMTP sessions into the listener, %d round(s), "
                + "relay JVM %s, %d available processors%n", n, sessions, rounds, jvmOptions,
                Runtime.getRuntime().availableProcessors());
        // The same ceiling run.sh measures first; here it also compiles the hub's code before the relay starts.
        List<byte[]> direct = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            direct.add(RelayBench.twoKilobyteMessage(-2 - i, "sender1@" + RelayBench.DOMAIN));
        }
        double ceiling = HubCeiling.measure(hub, tokens, "sender1@" + RelayBench.DOMAIN, direct);
        System.out.printf(Locale.ROOT, "ceiling: one persistent Angus Mail connection to the hub (STARTTLS + XOAUTH2): "
                + "%.0f msgs/s%n", ceiling);
        receivedBySeq.clear();
        received.set(0);
        Process relay = startRelay(jar, jvmOptions, writeConfig(port));
        try {
            awaitListener(relay, port);
            sendAll(port, List.of(-1), 1); // warm-up: the first token, the first hub connection; not counted
            awaitReceived(1, relay);
            for (int round = 1; round <= rounds; round++) {
                System.out.printf(Locale.ROOT, "-- round %d of %d (%s)%n", round, rounds,
                        round == 1 ? "relay JVM just started: includes JIT compilation" : "same relay process, JIT warm");
                round(relay, port, n, sessions, (round - 1) * n);
            }
            System.out.printf(Locale.ROOT, "relay peak RSS (VmHWM) over all rounds: %d MB%n",
                    ProcessMeter.peakRssKb(relay.pid()) / 1024);
        } finally {
            relay.destroy();
            if (!relay.waitFor(30, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        }
    }

    private void round(Process relay, int port, int n, int sessions, int firstSeq) throws Exception {
        receivedBySeq.clear();
        received.set(0);
        List<Integer> seqs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            seqs.add(firstSeq + i);
        }
        double cpuBefore = ProcessMeter.cpuSeconds(relay.pid());
        double benchCpuBefore = ProcessMeter.cpuSeconds(ProcessHandle.current().pid());
        acceptedAt.clear();
        long start = System.nanoTime();
        List<Long> latencies = sendAll(port, seqs, sessions);
        long acceptedNanos = System.nanoTime() - start;
        boolean complete = awaitReceived(n, relay);
        long deliveredNanos = lastReceived.get() - start;
        double cpu = ProcessMeter.cpuSeconds(relay.pid()) - cpuBefore;
        double benchCpu = ProcessMeter.cpuSeconds(ProcessHandle.current().pid()) - benchCpuBefore;
        Thread.sleep(2000); // anything arriving twice arrives now

        List<Long> sorted = latencies.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "accepted: %.0f msgs/s (%,d answered 250 in %.2f s)%n",
                latencies.size() / (acceptedNanos / 1e9), latencies.size(), acceptedNanos / 1e9);
        printFirstFifth(start);
        System.out.printf(Locale.ROOT, "delivered: %.0f msgs/s (%,d at the hub %.2f s after the first MAIL FROM)%n",
                received.get() / (deliveredNanos / 1e9), received.get(), deliveredNanos / 1e9);
        System.out.printf(Locale.ROOT, "latency DATA -> 250: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6,
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
        System.out.printf(Locale.ROOT, "relay CPU (user + system, intake and delivery): %.1f s, %.2f ms per message; "
                + "this bench JVM (clients, hub, token server): %.1f s, %.2f ms per message%n", cpu, cpu * 1000 / n,
                benchCpu, benchCpu * 1000 / n);
        System.out.printf(Locale.ROOT, "relay peak RSS (VmHWM) so far: %d MB%n", ProcessMeter.peakRssKb(relay.pid()) / 1024);
        long missing = seqs.stream().filter(s -> !receivedBySeq.containsKey(s)).count();
        long duplicated = receivedBySeq.values().stream().filter(c -> c > 1).count();
        System.out.printf(Locale.ROOT, "upstream received %,d of %,d: %d missing, %d duplicated%s%n", received.get(), n,
                missing, duplicated, complete ? "" : " (gave up waiting: no progress for 60 s)");
    }

    /** The first fifth of a round against the rest: how much of a round's rate the start costs. */
    private void printFirstFifth(long start) {
        List<Long> times = acceptedAt.stream().sorted().toList();
        int fifth = times.size() / 5;
        if (fifth == 0) {
            return;
        }
        long fifthAt = times.get(fifth - 1);
        long last = times.get(times.size() - 1);
        int rest = times.size() - fifth;
        System.out.printf(Locale.ROOT, "accepted: the first %,d at %.0f msgs/s, the other %,d at %.0f msgs/s%n", fifth,
                fifth / ((fifthAt - start) / 1e9), rest, rest / ((last - fifthAt) / 1e9));
    }

    /** Sends the messages over {@code sessions} connections; returns every DATA → 250 time in nanoseconds. */
    private List<Long> sendAll(int port, List<Integer> seqs, int sessions) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>(seqs.size()));
        ExecutorService clients = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                List<Integer> mine = new ArrayList<>();
                for (int i = s; i < seqs.size(); i += sessions) {
                    mine.add(seqs.get(i));
                }
                running.add(clients.submit(() -> {
                    session(port, mine, latencies, acceptedAt);
                    return null;
                }));
            }
            for (Future<?> session : running) {
                session.get();
            }
        } finally {
            clients.shutdown();
        }
        return latencies;
    }

    private static void session(int port, List<Integer> seqs, List<Long> latencies, List<Long> acceptedAt)
            throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            command(out, in, "EHLO bench.client", "250");
            for (int seq : seqs) {
                String from = "sender" + (Math.floorMod(seq, 5) + 1) + "@" + RelayBench.DOMAIN;
                command(out, in, "MAIL FROM:<" + from + ">", "250");
                command(out, in, "RCPT TO:<rcpt@example.net>", "250");
                long started = System.nanoTime();
                command(out, in, "DATA", "354");
                out.write(RelayBench.twoKilobyteMessage(seq, from)); // no line starts with a dot: no stuffing needed
                out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                expect(in, "250");
                long accepted = System.nanoTime();
                latencies.add(accepted - started);
                acceptedAt.add(accepted);
            }
            command(out, in, "QUIT", "221");
        }
    }

    private static void command(OutputStream out, BufferedReader in, String line, String code) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expect(in, code);
    }

    private static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null || !line.startsWith(code)) {
                throw new IOException("expected " + code + " from the listener, got: " + line);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
    }

    private Path writeConfig(int port) throws Exception {
        Path config = work.resolve("relay.properties");
        StringBuilder text = new StringBuilder()
                .append("relay.credentials=").append(tokens.writeCredentials(work)).append('\n')
                .append("relay.alias-domain=").append(RelayBench.DOMAIN).append('\n')
                .append("relay.smtp.host=").append(hub.hostName()).append('\n')
                .append("relay.smtp.port=").append(hub.port()).append('\n')
                .append("relay.smtp.tls=starttls\n")
                .append("relay.smtp.trust-store=").append(hub.certificatePemPath()).append('\n')
                .append("relay.data.dir=").append(work.resolve("data")).append('\n')
                .append("relay.spool.dir=").append(work.resolve("spool")).append('\n')
                .append("relay.listener.enabled=true\n")
                .append("relay.listener.port=").append(port).append('\n')
                // the sandbox hub has no per-minute limit: measure the relay, not Exchange's 30 a minute
                .append("relay.pacing.messages-per-minute=0\n")
                .append("relay.quota.recipients-per-day=0\n").append("relay.quota.messages-per-day=0\n")
                .append("relay.log.level=WARN\n");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("relay."))
                .forEach(k -> text.append(k).append('=').append(System.getProperty(k)).append('\n'));
        Files.writeString(config, text);
        return config;
    }

    private Process startRelay(Path jar, String jvmOptions, Path config) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Arrays.asList(jvmOptions.split(" ")));
        command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("relay.log").toFile())).start();
    }

    private void awaitListener(Process relay, int port) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && relay.isAlive()) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the relay's listener did not open; see " + work.resolve("relay.log"));
    }

    private boolean awaitReceived(int n, Process relay) throws InterruptedException {
        int last = -1;
        long lastProgress = System.currentTimeMillis();
        while (received.get() < n) {
            int now = received.get();
            if (now != last) {
                last = now;
                lastProgress = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgress > 60_000 || !relay.isAlive()) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private void record(XOAuth2SmtpHub.ReceivedMessage message) {
        String data = message.dataAsString();
        int at = data.indexOf(SEQUENCE);
        if (at < 0) {
            return;
        }
        int seq = Integer.parseInt(data.substring(at + SEQUENCE.length(), data.indexOf('\r', at)).trim());
        receivedBySeq.merge(seq, 1, Integer::sum);
        received.incrementAndGet();
        lastReceived.accumulateAndGet(System.nanoTime(), Math::max);
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
