package dev.oauthsmtprelay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * Relay throughput against the wire's ceiling (see bench/README.md). Starts a STARTTLS + XOAUTH2
 * hub and an Entra-like token server, measures one persistent Angus Mail connection pushing N
 * messages, then runs the real relay jar in its own JVM, drops the same N messages from S sender
 * mailboxes into its spool and reports throughput, latency, connections, token requests and memory.
 *
 * <pre>
 * RelayBench throughput N S CONCURRENCY ROUNDS JAR HEAP
 * RelayBench large SIZE_MB JAR HEAP
 * RelayBench postfix N S CONCURRENCY JAR HEAP
 * </pre>
 */
public final class RelayBench {

    static final String DOMAIN = "bench.example";
    private static final String DROPPED = "X-Bench-Dropped: ";
    private static final String SEQUENCE = "X-Bench-Seq: ";
    /** Simulated network: the hub waits this long before every reply (BENCH_HUB_LATENCY_MS). */
    private static final Duration HUB_LATENCY = Duration.ofMillis(Long.getLong("bench.hub-latency-ms", 0));
    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\(\\d+M\\)");

    private final Path work;
    private final BenchTokens tokens;
    private final XOAuth2SmtpHub hub;
    private final Map<Integer, Integer> receivedBySeq = new ConcurrentHashMap<>();
    private final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong lastAcceptance = new AtomicLong();
    private final AtomicInteger received = new AtomicInteger();

    private RelayBench(Path work) {
        this.work = work;
        this.tokens = BenchTokens.start(System.getProperty("bench.provider", "microsoft"), DOMAIN);
        this.hub = XOAuth2SmtpHub.builder()
                .tlsMode(XOAuth2SmtpHub.TlsMode.STARTTLS_REQUIRED)
                .certificate(XOAuth2SmtpHub.CertificateKind.LOCALHOST)
                .rejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365)
                .hubName("smtp." + DOMAIN)
                .maxMessageSize(40L * 1024 * 1024)
                .replyLatency(HUB_LATENCY)
                .tokenValidator(tokens.validator())
                .onMessage(this::record)
                .start();
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("relay-bench-");
        System.out.println("work directory (relay.log, spool, broker journal; delete when done): " + work);
        RelayBench bench = new RelayBench(work);
        try {
            if (args[0].equals("idle")) {
                bench.idle(Integer.parseInt(args[1]), Path.of(args[2]), args[3]);
            } else if (args[0].equals("postfix")) {
                bench.postfixPeer(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Path.of(args[4]), args[5]);
            } else if (args[0].equals("large")) {
                bench.large(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[3]), args[4]);
            } else {
                bench.throughput(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        Integer.parseInt(args[4]), Path.of(args[5]), args[6]);
            }
        } finally {
            bench.hub.close();
            bench.tokens.close();
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------------------------------------
    // the two cases

    /** @return each round's msgs/s */
    private double[] throughput(int n, int senders, int concurrency, int rounds, Path jar, String heap) throws Exception {
        System.out.printf(Locale.ROOT, "== %,d messages of ~2 KB from %d sender mailboxes, relay.delivery.concurrency=%d, "
                + "%d round(s), relay %s, hub reply latency %d ms%n", n, senders, concurrency, rounds, Relay.describe(jar, heap),
                HUB_LATENCY.toMillis());
        double ceiling = ceiling(messages(0, n, senders));
        System.out.printf(Locale.ROOT, "ceiling: one persistent Angus Mail connection (STARTTLS + XOAUTH2): %.0f msgs/s%n",
                ceiling);

        hub.reset();
        // round 1 counts the relay's start-up too: its first token and the warm-up message's connection
        int connectionsBaseline = 0;
        int tokensBaseline = tokens.requestCount();
        double[] rates = new double[rounds];
        Relay relay = Relay.start(jar, heap, writeConfig(concurrency), work, List.of());
        try {
            warmUp(relay);
            for (int round = 1; round <= rounds; round++) {
                System.out.printf(Locale.ROOT, "-- round %d of %d (%s)%n", round, rounds,
                        round == 1 ? "relay JVM just started: includes JIT compilation" : "same relay process, JIT warm");
                rates[round - 1] = relayRound(relay, messages((round - 1) * n, n, senders), (round - 1) * n,
                        connectionsBaseline, tokensBaseline, concurrency * senders, ceiling);
                connectionsBaseline = hub.connectionCount();
                tokensBaseline = tokens.requestCount();
            }
            System.out.printf(Locale.ROOT, "relay peak RSS (VmHWM) over all rounds: %d MB%n", relay.peakRssKb() / 1024);
        } finally {
            relay.stop();
        }
        return rates;
    }

    /**
     * The relay with nothing to send: after one message (so that every part has run once) and a settling pause, its
     * CPU over {@code seconds}, its resident memory and threads, and the threads that used the CPU.
     */
    private void idle(int seconds, Path jar, String heap) throws Exception {
        System.out.printf(Locale.ROOT, "== idle relay for %d s, relay %s%n", seconds, Relay.describe(jar, heap));
        Relay relay = Relay.start(jar, heap, writeConfig(8), work, List.of());
        try {
            warmUp(relay);
            Thread.sleep(15_000); // start-up work (JIT, the first disk scans, the pool's idle close) settles
            Map<String, Long> threadsBefore = relay.threadTicks();
            double cpuBefore = relay.cpuSeconds();
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = relay.cpuSeconds() - cpuBefore;
            Map<String, Long> threadsAfter = relay.threadTicks();
            System.out.printf(Locale.ROOT, "relay idle CPU: %.2f s in %.0f s = %.2f %% of one core (%.0f ms a minute)%n",
                    cpu, elapsed, cpu * 100 / elapsed, cpu * 60_000 / elapsed);
            System.out.printf(Locale.ROOT, "relay RSS now (VmRSS): %d MB, peak (VmHWM): %d MB, threads: %d%n",
                    relay.statusKb("VmRSS:") / 1024, relay.peakRssKb() / 1024, threadsAfter.size());
            Map<String, Long> used = new java.util.TreeMap<>();
            threadsAfter.forEach((thread, ticks) -> {
                long delta = ticks - threadsBefore.getOrDefault(thread, 0L);
                if (delta > 0) {
                    used.merge(thread.substring(thread.indexOf(' ') + 1), delta, Long::sum);
                }
            });
            Map<String, Integer> started = new java.util.TreeMap<>();
            threadsAfter.keySet().stream().filter(t -> !threadsBefore.containsKey(t))
                    .forEach(t -> started.merge(t.substring(t.indexOf(' ') + 1), 1, Integer::sum));
            long ended = threadsBefore.keySet().stream().filter(t -> !threadsAfter.containsKey(t)).count();
            System.out.printf(Locale.ROOT, "threads: %d before, %d after; %d started (%s), %d ended in between%n",
                    threadsBefore.size(), threadsAfter.size(), started.values().stream().mapToInt(i -> i).sum(),
                    started, ended);
            System.out.println("CPU by thread name (ticks of 10 ms over the idle period, threads of one name summed):");
            used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %5d  %s%n", e.getValue(), e.getKey()));
        } finally {
            relay.stop();
        }
    }

    /** @return msgs/s, first drop to last acceptance */
    private double relayRound(Relay relay, List<byte[]> messages, int firstSeq, int connectionsBaseline,
            int tokensBaseline, int connectionLimit, double ceiling) throws Exception {
        int n = messages.size();
        clearRecords();
        double cpuBefore = relay.cpuSeconds();
        double systemCpuBefore = relay.systemCpuSeconds();
        long switchesBefore = relay.contextSwitches();
        double benchCpuBefore = Relay.cpuSeconds(ProcessHandle.current().pid());
        long firstDrop = System.currentTimeMillis();
        SpoolWatch spool = SpoolWatch.start(work.resolve("spool"));
        for (int i = 0; i < n; i++) {
            drop(firstSeq + i, messages.get(i));
        }
        long lastDrop = System.currentTimeMillis();
        boolean complete = awaitReceived(n, relay);
        long end = lastAcceptance.get();
        double cpu = relay.cpuSeconds() - cpuBefore;
        double systemCpu = relay.systemCpuSeconds() - systemCpuBefore;
        long switches = relay.contextSwitches() - switchesBefore;
        double benchCpu = Relay.cpuSeconds(ProcessHandle.current().pid()) - benchCpuBefore;
        Thread.sleep(2000); // anything arriving twice arrives now
        spool.stop();

        double seconds = (end - firstDrop) / 1000.0;
        double rate = received.get() / seconds;
        List<Long> sorted = latencies.stream().sorted().toList();
        System.out.printf(Locale.ROOT, "dropped %,d files in %.2f s; spool emptied by intake after %.2f s%n", n,
                (lastDrop - firstDrop) / 1000.0, spool.emptiedAfterMillis(firstDrop) / 1000.0);
        System.out.printf(Locale.ROOT, "relay: %.0f msgs/s (%,d messages in %.2f s, first drop to last acceptance)%n",
                rate, received.get(), seconds);
        System.out.printf(Locale.ROOT, "latency drop -> acceptance: p50 %d ms, p99 %d ms, max %d ms%n",
                percentile(sorted, 50), percentile(sorted, 99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
        System.out.printf(Locale.ROOT, "SMTP connections opened: %d (limit concurrency x S = %d)%n",
                hub.connectionCount() - connectionsBaseline, connectionLimit);
        System.out.printf(Locale.ROOT, "token requests: %d%n", tokens.requestCount() - tokensBaseline);
        System.out.printf(Locale.ROOT, "relay CPU (user + system): %.1f s, %.2f ms per message, %.0f %% of it in the "
                + "kernel; this bench JVM (hub, token server, dropping files): %.1f s, %.2f ms per message%n", cpu,
                cpu * 1000 / n, cpu > 0 ? systemCpu * 100 / cpu : 0, benchCpu, benchCpu * 1000 / n);
        System.out.printf(Locale.ROOT, "relay context switches: %.1f per message%n", (double) switches / n);
        System.out.printf(Locale.ROOT, "relay peak RSS (VmHWM) so far: %d MB%n", relay.peakRssKb() / 1024);
        System.out.printf(Locale.ROOT, "relay / ceiling: %.2f%n", rate / ceiling);
        reportCompleteness(firstSeq, n, complete);
        return rate;
    }

    /**
     * The relay and a private Postfix instance on the same job in one run: N messages from S sender mailboxes, from
     * the spool (Postfix: its maildrop) to a STARTTLS hub, one cold and one warm relay round, then Postfix with TLS
     * connection reuse. Postfix cannot log in with XOAUTH2, so its hub is a second instance of the same hub, with the
     * same certificate and TLS, that asks for no login.
     */
    private void postfixPeer(int n, int senders, int concurrency, Path jar, String heap) throws Exception {
        System.out.println("== the relay against Postfix on the same job: first the relay, then Postfix");
        double[] relayRates = throughput(n, senders, concurrency, 2, jar, heap);

        XOAuth2SmtpHub peerHub = XOAuth2SmtpHub.builder()
                .tlsMode(XOAuth2SmtpHub.TlsMode.STARTTLS_REQUIRED)
                .certificate(XOAuth2SmtpHub.CertificateKind.LOCALHOST)
                .hubName("smtp." + DOMAIN)
                .maxMessageSize(40L * 1024 * 1024)
                .replyLatency(HUB_LATENCY)
                .requireAuth(false)
                .advertiseAuth(false)
                .onMessage(this::record)
                .start();
        try {
            System.out.println("-- Postfix " + postfixVersion() + " (private instance, maildrop -> STARTTLS hub, "
                    + "smtp_tls_connection_reuse=yes, its default concurrency)");
            PostfixPeer postfix = PostfixPeer.create("127.0.0.1", peerHub.port(),
                    peerHub.certificatePemPath());
            List<byte[]> messages = messages(2 * n, n, senders);
            long injecting = System.nanoTime();
            ExecutorService injectors = Executors.newFixedThreadPool(8); // sendmail mostly waits
            List<Future<?>> injected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int seq = 2 * n + i;
                byte[] message = messages.get(i);
                injected.add(injectors.submit(() -> {
                    postfix.inject(stamped(message), "sender" + (seq % senders + 1) + "@" + DOMAIN,
                            "rcpt@example.net");
                    return null;
                }));
            }
            for (Future<?> f : injected) {
                f.get();
            }
            injectors.shutdown();
            System.out.printf(Locale.ROOT, "injected %,d messages into the maildrop with sendmail in %.1f s (Postfix "
                    + "stopped; not counted); maildrop holds %d%n", n, (System.nanoTime() - injecting) / 1e9,
                    postfix.maildropCount());
            clearRecords();
            double machineBefore = ProcessMeter.machineCpuSeconds();
            double benchBefore = ProcessMeter.cpuSeconds(ProcessHandle.current().pid());
            long started = System.currentTimeMillis();
            postfix.start();
            boolean complete = awaitReceived(n, () -> true);
            long end = lastAcceptance.get();
            // the machine's CPU less this JVM's (hub, token server): the Postfix processes, come and gone
            double cpu = (ProcessMeter.machineCpuSeconds() - machineBefore)
                    - (ProcessMeter.cpuSeconds(ProcessHandle.current().pid()) - benchBefore);
            Thread.sleep(2000);
            postfix.stop();
            double seconds = (end - started) / 1000.0;
            double rate = received.get() / seconds;
            System.out.printf(Locale.ROOT, "postfix: %.0f msgs/s (%,d messages in %.2f s, start to last acceptance)%n",
                    rate, received.get(), seconds);
            System.out.printf(Locale.ROOT, "postfix CPU (all its processes: the machine's CPU less this JVM's): %.1f s, "
                    + "%.2f ms per message%n", cpu, cpu * 1000 / n);
            System.out.printf(Locale.ROOT, "SMTP connections opened by Postfix: %d%n", peerHub.connectionCount());
            reportCompleteness(2 * n, n, complete);
            System.out.printf(Locale.ROOT, "relay / postfix: %.2f (relay JIT cold), %.2f (relay JIT warm)%n",
                    relayRates[0] / rate, relayRates[1] / rate);
            if (!complete) {
                System.out.println("Postfix's log: " + postfix.log());
            }
        } finally {
            peerHub.close();
        }
    }

    private static String postfixVersion() {
        try {
            Process p = new ProcessBuilder("/usr/sbin/postconf", "-d", "-h", "mail_version").start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "(version unknown)";
        }
    }

    private static List<byte[]> messages(int firstSeq, int n, int senders) {
        List<byte[]> messages = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            messages.add(twoKilobyteMessage(firstSeq + i, "sender" + (i % senders + 1) + "@" + DOMAIN));
        }
        return messages;
    }

    /** {@code count} large messages at once, delivered in parallel (relay.delivery.concurrency = count). */
    private void large(int megabytes, int count, Path jar, String heap) throws Exception {
        System.out.printf(Locale.ROOT, "== %d message(s) of %d MB, relay.delivery.concurrency=%d, relay %s%n", count,
                megabytes, count, Relay.describe(jar, heap));
        Path gcLog = work.resolve("gc.log");
        Relay relay = Relay.start(jar, heap, writeConfig(count), work, List.of("-Xlog:gc:file=" + gcLog));
        try {
            warmUp(relay);
            long dropped = System.currentTimeMillis();
            int size = 0;
            for (int i = 0; i < count; i++) {
                byte[] message = largeMessage(megabytes, i);
                size = message.length;
                drop(i, message);
            }
            boolean complete = awaitReceived(count, relay);
            long hwm = relay.peakRssKb();
            System.out.printf(Locale.ROOT, "%d message(s) of %,d bytes: first drop -> last acceptance %d ms%n", count,
                    size, lastAcceptance.get() - dropped);
            System.out.printf(Locale.ROOT, "relay peak heap (from -Xlog:gc): %d MB before a GC, %d MB still live after one%n",
                    peakHeapMb(gcLog, 1), peakHeapMb(gcLog, 2));
            System.out.printf(Locale.ROOT, "relay peak RSS (VmHWM): %d MB%n", hwm / 1024);
            reportCompleteness(0, count, complete);
        } finally {
            relay.stop();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // ceiling

    private double ceiling(List<byte[]> messages) throws Exception {
        return HubCeiling.measure(hub, tokens, "sender1@" + DOMAIN, messages);
    }

    // ---------------------------------------------------------------------------------------------
    // relay side

    private Path writeConfig(int concurrency) throws Exception {
        Files.createDirectories(work.resolve("spool"));
        Path credentials = tokens.writeCredentials(work);
        Path trust = hub.certificatePemPath();
        Path config = work.resolve("relay.properties");
        StringBuilder text = new StringBuilder()
                .append("relay.credentials=").append(credentials).append('\n')
                .append("relay.alias-domain=").append(DOMAIN).append('\n')
                .append("relay.smtp.host=").append(hub.hostName()).append('\n')
                .append("relay.smtp.port=").append(hub.port()).append('\n')
                .append("relay.smtp.tls=starttls\n")
                .append("relay.smtp.trust-store=").append(trust).append('\n')
                .append("relay.data.dir=").append(work.resolve("data")).append('\n')
                .append("relay.spool.dir=").append(work.resolve("spool")).append('\n')
                .append("relay.delivery.concurrency=").append(concurrency).append('\n')
                // the sandbox hub has no per-minute limit: measure the relay, not Exchange's 30 a minute
                .append("relay.pacing.messages-per-minute=0\n")
                .append("relay.quota.recipients-per-day=0\n").append("relay.quota.messages-per-day=0\n")
                .append("relay.log.level=WARN\n");
        // Any relay.* system property given to the bench goes into the relay's configuration (tuning runs).
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("relay."))
                .forEach(k -> text.append(k).append('=').append(System.getProperty(k)).append('\n'));
        Files.writeString(config, text);
        return config;
    }

    /** One message through the whole relay, to know it is up (not counted). */
    private void warmUp(Relay relay) throws Exception {
        drop(-1, twoKilobyteMessage(-1, "sender1@" + DOMAIN));
        long deadline = System.currentTimeMillis() + 120_000;
        while (!receivedBySeq.containsKey(-1)) {
            if (!relay.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("The relay did not start or deliver the warm-up message; see "
                        + relay.log);
            }
            Thread.sleep(50);
        }
        receivedBySeq.remove(-1);
        received.set(0);
        latencies.clear();
    }

    /** Write-then-rename, the way producers are told to. */
    private void drop(int seq, byte[] message) throws IOException {
        Path spool = work.resolve("spool");
        String name = "m" + seq + ".eml";
        Path tmp = spool.resolve("." + name + ".tmp");
        Files.write(tmp, stamped(message));
        Files.move(tmp, spool.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code message} with the {@code X-Bench-Dropped} time stamp in front, from which the latency is measured. */
    private static byte[] stamped(byte[] message) {
        byte[] stamp = (DROPPED + System.currentTimeMillis() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] stamped = new byte[stamp.length + message.length];
        System.arraycopy(stamp, 0, stamped, 0, stamp.length);
        System.arraycopy(message, 0, stamped, stamp.length, message.length);
        return stamped;
    }

    private boolean awaitReceived(int n, Relay relay) throws InterruptedException {
        return awaitReceived(n, relay::isAlive);
    }

    private boolean awaitReceived(int n, BooleanSupplier alive) throws InterruptedException {
        int last = -1;
        long lastProgress = System.currentTimeMillis();
        while (received.get() < n) {
            int now = received.get();
            if (now != last) {
                last = now;
                lastProgress = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgress > 60_000 || !alive.getAsBoolean()) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void record(XOAuth2SmtpHub.ReceivedMessage message) {
        long now = System.currentTimeMillis();
        byte[] data = message.data();
        String head = new String(data, 0, Math.min(data.length, 1024), StandardCharsets.US_ASCII);
        if (!head.contains(DROPPED)) {
            return; // sent by the ceiling client, not through the spool
        }
        int seq = Integer.parseInt(header(head, SEQUENCE));
        long dropped = Long.parseLong(header(head, DROPPED));
        receivedBySeq.merge(seq, 1, Integer::sum);
        latencies.add(now - dropped);
        received.incrementAndGet();
        lastAcceptance.accumulateAndGet(now, Math::max);
    }

    private void clearRecords() {
        receivedBySeq.clear();
        latencies.clear();
        received.set(0);
    }

    private void reportCompleteness(int firstSeq, int n, boolean complete) {
        long missing = 0;
        for (int i = firstSeq; i < firstSeq + n; i++) {
            if (!receivedBySeq.containsKey(i)) {
                missing++;
            }
        }
        long duplicated = receivedBySeq.values().stream().filter(c -> c > 1).count();
        System.out.printf(Locale.ROOT, "upstream received %,d of %,d: %d missing, %d duplicated%s%n",
                received.get(), n, missing, duplicated, complete ? "" : " (gave up waiting: no progress for 60 s)");
    }

    // ---------------------------------------------------------------------------------------------
    // messages

    static byte[] twoKilobyteMessage(int seq, String from) {
        StringBuilder body = new StringBuilder();
        Random random = new Random(seq);
        while (body.length() < 1900) {
            body.append(Long.toString(random.nextLong(), 36)).append(body.length() % 70 < 14 ? "\r\n" : " ");
        }
        return ("From: " + from + "\r\nTo: rcpt@example.net\r\nSubject: bench " + seq + "\r\n" + SEQUENCE + seq
                + "\r\nMessage-ID: <bench-" + seq + "@" + DOMAIN + ">\r\n\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] largeMessage(int megabytes, int seq) {
        byte[] attachment = new byte[megabytes * 1024 * 1024 / 4 * 3]; // base64 makes it megabytes MB
        new Random(seq).nextBytes(attachment);
        String encoded = Base64.getMimeEncoder().encodeToString(attachment);
        String head = "From: sender1@" + DOMAIN + "\r\nTo: rcpt@example.net\r\nSubject: large\r\n" + SEQUENCE + seq + "\r\n"
                + "Message-ID: <bench-large-" + seq + "@" + DOMAIN + ">\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nlarge\r\n"
                + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"large.bin\"\r\n\r\n";
        String tail = "\r\n--b--\r\n";
        byte[] bytes = new byte[head.length() + encoded.length() + tail.length()];
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, head.length());
        System.arraycopy(encoded.getBytes(StandardCharsets.US_ASCII), 0, bytes, head.length(), encoded.length());
        System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, bytes, head.length() + encoded.length(),
                tail.length());
        return bytes;
    }

    private static String header(String head, String name) {
        int at = head.indexOf(name);
        return head.substring(at + name.length(), head.indexOf('\r', at)).trim();
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** group 1: heap before a collection, group 2: after it (what was still reachable). */
    private static long peakHeapMb(Path gcLog, int group) throws IOException {
        if (!Files.exists(gcLog)) {
            return -1;
        }
        long peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_HEAP.matcher(line);
            while (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(group)));
            }
        }
        return peak;
    }

    // ---------------------------------------------------------------------------------------------

    /** The relay jar in its own JVM. */
    private static final class Relay {
        final Process process;
        final Path log;

        private Relay(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /**
         * @param jar  the runnable jar ({@code java [heap] -jar JAR run ...}), or the distribution's launcher
         *             ({@code bin/oauth-smtp-relay run ...}, which applies config/jvm.options; {@code heap} and
         *             {@code jvmOptions} go into RELAY_JAVA_OPTS, after the file's). The launcher execs Java, so
         *             the process measured is the JVM either way.
         */
        static String describe(Path jar, String heap) {
            boolean launcher = !jar.getFileName().toString().endsWith(".jar");
            String options = heap.isBlank() ? "" : " " + heap.trim();
            return launcher ? "through bin/oauth-smtp-relay (config/jvm.options" + (options.isEmpty() ? ""
                    : ", then RELAY_JAVA_OPTS=" + options.trim()) + ")"
                    : "java" + (options.isEmpty() ? " (the JVM's defaults)" : options) + " -jar " + jar.getFileName();
        }

        static Relay start(Path jar, String heap, Path config, Path work, List<String> jvmOptions) throws IOException {
            List<String> options = new ArrayList<>();
            for (String option : heap.trim().split("\\s+")) {
                if (!option.isEmpty()) {
                    options.add(option);
                }
            }
            options.addAll(jvmOptions);
            List<String> command = new ArrayList<>();
            ProcessBuilder builder = new ProcessBuilder(command);
            if (jar.getFileName().toString().endsWith(".jar")) {
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(options);
                command.addAll(List.of("-jar", jar.toString()));
            } else {
                command.add(jar.toString());
                builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
                builder.environment().put("RELAY_JAVA_OPTS", String.join(" ", options));
            }
            command.addAll(List.of("run", "--config", config.toString()));
            Path log = work.resolve("relay.log");
            Files.writeString(log, String.join(" ", command) + System.lineSeparator(), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Process process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new Relay(process, log);
        }

        boolean isAlive() {
            return process.isAlive();
        }

        long peakRssKb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return -1;
        }

        /** utime + stime from /proc/<pid>/stat, in clock ticks of 1/100 s (the Linux USER_HZ). */
        double cpuSeconds() throws IOException {
            return cpuSeconds(process.pid());
        }

        static double cpuSeconds(long pid) throws IOException {
            String[] fields = statFields(pid);
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        }

        /**
         * Context switches of the relay's threads (voluntary: a thread waited for another or for I/O; involuntary:
         * preempted), summed over its live threads; threads that ended in between are not counted.
         */
        long contextSwitches() throws IOException {
            return ProcessMeter.contextSwitches(process.pid());
        }

        /** utime + stime per live thread, keyed "tid name" (the name is the first 15 characters Linux keeps). */
        Map<String, Long> threadTicks() throws IOException {
            Map<String, Long> ticks = new HashMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks.put(task.getFileName() + " " + name.replaceAll("\\d+$", "#"),
                                Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                    } catch (IOException threadEnded) {
                        // the thread ended while we listed the others
                    }
                }
            }
            return ticks;
        }

        long statusKb(String field) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            return -1;
        }

        /** stime alone: the part spent in the kernel (system calls, thread wake-ups, disk syncs). */
        double systemCpuSeconds() throws IOException {
            return Long.parseLong(statFields(process.pid())[12]) / 100.0;
        }

        private static String[] statFields(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Notes when the spool directory has no message files left, i.e. intake has caught up. */
    private static final class SpoolWatch implements Runnable {
        private final Path spool;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long emptiedAt;

        private SpoolWatch(Path spool) {
            this.spool = spool;
            this.thread = new Thread(this, "bench-spool-watch");
            thread.setDaemon(true);
        }

        static SpoolWatch start(Path spool) {
            SpoolWatch watch = new SpoolWatch(spool);
            watch.thread.start();
            return watch;
        }

        @Override
        public void run() {
            try {
                Thread.sleep(500);
                while (running && emptiedAt == 0) {
                    try (Stream<Path> files = Files.list(spool)) {
                        if (files.noneMatch(f -> f.getFileName().toString().endsWith(".eml"))) {
                            emptiedAt = System.currentTimeMillis();
                        }
                    }
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // measurement only
            }
        }

        long emptiedAfterMillis(long since) {
            return emptiedAt == 0 ? -1 : emptiedAt - since;
        }

        void stop() {
            running = false;
        }
    }
}
