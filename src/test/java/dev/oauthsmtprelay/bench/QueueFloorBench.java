package dev.oauthsmtprelay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.queue.BrokerConnectionFactories;
import dev.oauthsmtprelay.queue.BrokerSettings;
import dev.oauthsmtprelay.queue.QueueBatchSender;
import dev.oauthsmtprelay.queue.RelayBroker;

/**
 * The floor of the durable queue hop (see bench/README.md, "The queue hop alone"): the relay's embedded broker, its
 * connection factories and its intake's {@link QueueBatchSender}, and transacted consumers that commit each message,
 * with no Camel, no parsing and no SMTP. What this costs per message, the relay cannot go below while it keeps the
 * durable queue between intake and delivery.
 *
 * <pre>QueueFloorBench N SENDERS CONSUMERS ROUNDS MODE WINDOW [apart]</pre>
 * MODE {@code jms}: each consumer a thread in a loop of {@code receive()} and {@code commit()}, as Spring's listener
 * container does; {@code listener}: a JMS {@code MessageListener} that commits, as camel-sjms consumes;
 * {@code core}: Artemis's core API, a {@code MessageHandler} that acknowledges and commits.
 * WINDOW: the consumers' window in bytes (the relay's delivery uses 1, JMS intake 0). With {@code apart}, each round
 * queues all N with the consumers stopped, then starts them, and prints the two halves' figures separately.
 * {@code -Dbench.journal-buffer-micros=M} (in BENCH_OPTS) sets {@code relay.broker.journal-buffer-timeout};
 * {@code -Dbench.commit-every=K} has the {@code jms} consumers commit once per K messages instead of each;
 * {@code -Dbench.ack=client} has them acknowledge each message in a CLIENT_ACKNOWLEDGE session instead.
 */
public final class QueueFloorBench {

    private static final int BODY_BYTES = 2_048;
    private static final int PROPERTIES = 10;
    /** The jms consumers commit after this many messages, or after a receive that found none. */
    private static final int COMMIT_EVERY = Integer.getInteger("bench.commit-every", 1);
    /**
     * {@code transacted}, or {@code client}: the jms consumers acknowledge each message in a CLIENT_ACKNOWLEDGE
     * session, which Artemis sends as a commit that the consumer does not wait for.
     */
    private static final String ACK = System.getProperty("bench.ack", "transacted");

    private final ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private volatile CountDownLatch remaining = new CountDownLatch(0);
    private volatile boolean stopping;
    private final List<Pausable> pausables = new ArrayList<>();

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    private record Pausable(Action pause, Action resume) {
    }

    private QueueFloorBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int senders = Integer.parseInt(args[1]);
        int consumers = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        String mode = args[4];
        int window = Integer.parseInt(args[5]);
        boolean apart = args.length > 6 && args[6].equals("apart");
        if (!List.of("jms", "listener", "core").contains(mode)) {
            throw new IllegalArgumentException("MODE is jms, listener or core, not " + mode);
        }
        System.out.printf(Locale.ROOT, "== queue hop alone: %,d messages of %,d bytes + %d properties, %d senders, "
                + "%d %s consumers with a window of %d bytes, %d available processors%n", n, BODY_BYTES, PROPERTIES,
                senders, consumers, mode, window, Runtime.getRuntime().availableProcessors());
        new QueueFloorBench().run(n, senders, consumers, rounds, mode, window, apart);
        System.exit(0);
    }

    private void run(int n, int senders, int consumers, int rounds, String mode, int window, boolean apart)
            throws Exception {
        Path dir = Files.createTempDirectory("relay-queue-floor-");
        BrokerSettings settings = BrokerSettings.defaults(dir);
        Integer journalBuffer = Integer.getInteger("bench.journal-buffer-micros");
        if (journalBuffer != null) {
            settings = settings.withJournalBufferMicros(journalBuffer);
        }
        System.out.printf(Locale.ROOT, "journal buffer timeout %d µs (relay.broker.journal-buffer-timeout)%n",
                settings.journalBufferMicros());
        RelayBroker broker = new RelayBroker(settings);
        broker.start();
        QueueBatchSender sender = new QueueBatchSender(broker.connectionFactory(), settings.deliveryQueue(),
                RelayKeys.BROKER_SEND_BATCH.defaultValue());
        sender.start();
        ActiveMQConnectionFactory consumerFactory = BrokerConnectionFactories.create(settings,
                broker.embeddedBroker().orElseThrow());
        consumerFactory.setConsumerWindowSize(window);
        System.out.printf(Locale.ROOT, "jms consumers: %s%n", ACK.equals("client")
                ? "CLIENT_ACKNOWLEDGE, each message acknowledged without waiting for the broker" : "transacted");
        List<AutoCloseable> open = switch (mode) {
            case "jms" -> startJmsConsumers(consumerFactory, settings.deliveryQueue(), consumers, false);
            case "listener" -> startJmsConsumers(consumerFactory, settings.deliveryQueue(), consumers, true);
            default -> startCoreConsumers(consumerFactory, settings.deliveryQueue(), consumers);
        };
        byte[] body = body();
        int total = 0;
        for (int round = 1; round <= rounds; round++) {
            remaining = new CountDownLatch(n);
            double cpu0 = processCpuSeconds();
            long switches0 = ProcessMeter.contextSwitches(ProcessHandle.current().pid());
            long start = System.nanoTime();
            if (apart) {
                for (Pausable pausable : pausables) {
                    pausable.pause().run();
                }
            }
            sendAll(sender, body, total, n, senders);
            if (apart) {
                print("round " + round + " queueing", n, start, cpu0, switches0, sender);
                start = System.nanoTime();
                cpu0 = processCpuSeconds();
                switches0 = ProcessMeter.contextSwitches(ProcessHandle.current().pid());
                for (Pausable pausable : pausables) {
                    pausable.resume().run();
                }
            }
            if (!remaining.await(600, TimeUnit.SECONDS)) {
                throw new IllegalStateException("round " + round + ": " + remaining.getCount() + " not received");
            }
            print("round " + round + (apart ? " consuming" : ""), n, start, cpu0, switches0, sender);
            total += n;
        }
        System.out.printf(Locale.ROOT, "received %,d distinct of %,d sent, %d duplicated, %d missing%n", seen.size(),
                total, duplicates.get(), total - seen.size());
        stopping = true;
        sender.stop();
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        consumerFactory.close();
        broker.stop();
        broker.shutdown();
    }

    private static void print(String what, int n, long start, double cpu0, long switches0, QueueBatchSender sender)
            throws IOException {
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = processCpuSeconds() - cpu0;
        long switches = ProcessMeter.contextSwitches(ProcessHandle.current().pid()) - switches0;
        System.out.printf(Locale.ROOT, "%s: %,d messages in %.2f s: %.0f msgs/s; CPU %.2f s = %.3f ms per message; "
                + "%.1f context switches per message; %,d batches so far, %.1f messages per batch%n", what, n,
                seconds, n / seconds, cpu, cpu * 1000 / n, (double) switches / n, sender.batches(),
                (double) sender.messages() / sender.batches());
    }

    /** SENDERS threads, each handing its share to the batch sender one at a time and waiting, as the intake does. */
    private static void sendAll(QueueBatchSender sender, byte[] body, int first, int n, int senders)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger(first);
        int end = first + n;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            Thread thread = new Thread(() -> {
                for (int id = next.getAndIncrement(); id < end; id = next.getAndIncrement()) {
                    String relayId = "m" + id;
                    try {
                        sender.send(session -> message(session, body, relayId));
                    } catch (JMSException | InterruptedException e) {
                        throw new IllegalStateException(relayId + " was not queued", e);
                    }
                }
            }, "floor-sender-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    private static Message message(Session session, byte[] body, String relayId) throws JMSException {
        BytesMessage message = session.createBytesMessage();
        message.writeBytes(body);
        message.setStringProperty("relayId", relayId);
        for (int p = 1; p < PROPERTIES; p++) {
            message.setStringProperty("relayProperty" + p, "value of property " + p + " for " + relayId);
        }
        return message;
    }

    private List<AutoCloseable> startJmsConsumers(ActiveMQConnectionFactory factory, String queue, int consumers,
                                                  boolean listener) throws JMSException {
        Connection connection = factory.createConnection();
        connection.start();
        pausables.add(new Pausable(connection::stop, connection::start));
        List<AutoCloseable> open = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            boolean clientAck = ACK.equals("client");
            Session session = clientAck ? connection.createSession(false, Session.CLIENT_ACKNOWLEDGE)
                    : connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            if (listener) {
                consumer.setMessageListener(message -> {
                    try {
                        consume(message, session);
                    } catch (JMSException e) {
                        if (!stopping) {
                            e.printStackTrace();
                        }
                    }
                });
                continue;
            }
            Thread thread = new Thread(() -> {
                List<String> uncommitted = new ArrayList<>();
                try {
                    while (!stopping) {
                        Message message = consumer.receive(uncommitted.isEmpty() ? 1_000 : 5);
                        if (message != null && clientAck) {
                            String relayId = read(message);
                            message.acknowledge();
                            received(relayId);
                            continue;
                        }
                        if (message != null) {
                            uncommitted.add(read(message));
                        }
                        if (!uncommitted.isEmpty() && (message == null || uncommitted.size() >= COMMIT_EVERY)) {
                            session.commit();
                            uncommitted.forEach(this::received);
                            uncommitted.clear();
                        }
                    }
                } catch (JMSException e) {
                    if (!stopping) {
                        e.printStackTrace();
                    }
                }
            }, "floor-consumer-" + c);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        open.add(() -> {
            for (Thread thread : threads) {
                thread.join(5_000);
            }
            connection.close();
        });
        return open;
    }

    private void consume(Message message, Session session) throws JMSException {
        String relayId = read(message);
        session.commit();
        received(relayId);
    }

    private static String read(Message message) throws JMSException {
        BytesMessage bytes = (BytesMessage) message;
        byte[] read = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(read);
        return message.getStringProperty("relayId");
    }

    private List<AutoCloseable> startCoreConsumers(ActiveMQConnectionFactory factory, String queue, int consumers)
            throws Exception {
        ClientSessionFactory sessions = factory.getServerLocator().createSessionFactory();
        List<AutoCloseable> open = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            ClientSession session = sessions.createSession(false, false, false);
            ClientConsumer consumer = session.createConsumer(queue);
            consumer.setMessageHandler(message -> handle(session, message));
            session.start();
            pausables.add(new Pausable(session::stop, session::start));
            open.add(session::close);
        }
        open.add(sessions::close);
        return open;
    }

    private void handle(ClientSession session, ClientMessage message) {
        try {
            byte[] read = new byte[message.getBodySize()];
            message.getBodyBuffer().readBytes(read);
            String relayId = message.getStringProperty("relayId");
            message.acknowledge();
            session.commit();
            received(relayId);
        } catch (Exception e) {
            if (!stopping) {
                e.printStackTrace();
            }
        }
    }

    private void received(String relayId) {
        if (seen.putIfAbsent(relayId, Boolean.TRUE) != null) {
            duplicates.incrementAndGet();
        } else {
            remaining.countDown();
        }
    }

    private static byte[] body() {
        StringBuilder text = new StringBuilder(
                "From: app@example.com\r\nTo: user@example.com\r\nSubject: floor\r\n\r\n");
        while (text.length() < BODY_BYTES) {
            text.append("The quick brown fox jumps over the lazy dog, line by line.\r\n");
        }
        return text.substring(0, BODY_BYTES).getBytes(StandardCharsets.US_ASCII);
    }

    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }
}
