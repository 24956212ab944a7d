package dev.oauthsmtprelay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.TestResources;

class EmbeddedBrokerTest {

    private static final Duration REDELIVERY_DELAY = Duration.ofMillis(200);

    @TempDir
    Path dataDir;

    private final TestResources resources = new TestResources();

    @AfterEach
    void cleanUp() {
        resources.closeAll();
    }

    @Test
    void should_keep_a_persistent_message_across_a_restart() throws Exception {
        EmbeddedBroker broker = start(settings());
        ConnectionFactory factory = factory(settings(), broker);

        send(factory, "relay.outbound", "hello");
        broker.stop();
        broker.start();

        assertThat(broker.messageCount("relay.outbound")).isEqualTo(1);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Message message = session.createConsumer(session.createQueue("relay.outbound")).receive(2_000);
            assertThat(message).isInstanceOf(TextMessage.class);
            assertThat(((TextMessage) message).getText()).isEqualTo("hello");
            session.commit();
        }
        assertThat(broker.messageCount("relay.outbound")).isZero();
    }

    @Test
    void should_redeliver_a_rolled_back_message_only_after_the_growing_redelivery_delay() throws Exception {
        EmbeddedBroker broker = start(settings());
        ConnectionFactory factory = factory(settings(), broker);
        send(factory, "relay.outbound", "retry me");

        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue("relay.outbound"));

            Message first = consumer.receive(2_000);
            assertThat(first.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);

            long rolledBack = System.nanoTime();
            session.rollback();
            Message second = consumer.receive(2_000);
            long firstWait = elapsedMillis(rolledBack);
            assertThat(second).isNotNull();
            assertThat(second.getJMSRedelivered()).isTrue();
            assertThat(second.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
            // measured from just before the rollback, so the broker's own start of the delay is later still
            assertThat(firstWait).as("redelivered after").isGreaterThanOrEqualTo(REDELIVERY_DELAY.toMillis() - 5);

            rolledBack = System.nanoTime();
            session.rollback();
            Message third = consumer.receive(3_000);
            long secondWait = elapsedMillis(rolledBack);
            assertThat(third.getIntProperty("JMSXDeliveryCount")).isEqualTo(3);
            // multiplier 2.0: the second redelivery waits twice as long
            assertThat(secondWait).isGreaterThanOrEqualTo(2 * REDELIVERY_DELAY.toMillis() - 5);
            session.commit();
        }
    }

    @Test
    void should_keep_the_delivery_count_across_a_restart() throws Exception {
        EmbeddedBroker broker = start(settings());
        ConnectionFactory factory = factory(settings(), broker);
        send(factory, "relay.outbound", "count me");

        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue("relay.outbound"));
            assertThat(consumer.receive(2_000).getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
            session.rollback();
            // second delivery, then the process "crashes" without commit or rollback
            assertThat(consumer.receive(2_000).getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        }
        broker.stop();
        broker.start();

        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Message message = session.createConsumer(session.createQueue("relay.outbound")).receive(3_000);
            assertThat(message).isNotNull();
            assertThat(message.getIntProperty("JMSXDeliveryCount")).isEqualTo(3);
            session.commit();
        }
    }

    @Test
    void should_keep_the_redelivery_schedule_across_a_restart() throws Exception {
        BrokerSettings settings = BrokerSettings.defaults(dataDir)
                .withRedelivery(Duration.ofMillis(1_000), 2.0, Duration.ofSeconds(10));
        EmbeddedBroker broker = start(settings);
        ConnectionFactory factory = factory(settings, broker);
        send(factory, "relay.outbound", "later");

        long rolledBack;
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            assertThat(session.createConsumer(session.createQueue("relay.outbound")).receive(2_000)).isNotNull();
            rolledBack = System.nanoTime();
            session.rollback();
        }
        broker.stop();
        broker.start();

        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue("relay.outbound"));
            Message message = consumer.receive(3_000);
            assertThat(message).isNotNull();
            assertThat(elapsedMillis(rolledBack)).as("redelivered after").isGreaterThanOrEqualTo(995);
            assertThat(message.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
            session.commit();
        }
    }

    @Test
    void should_fail_fast_when_another_broker_uses_the_directory() {
        EmbeddedBroker first = start(settings());
        Path brokerDir = first.brokerDir();

        long begin = System.nanoTime();
        assertThatThrownBy(() -> start(settings()))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("another relay instance")
                .hasMessageContaining("is using " + brokerDir)
                .hasMessageContaining("give each instance its own relay.data.dir, or share a broker with "
                        + "relay.broker.url");
        assertThat(elapsedMillis(begin)).isLessThan(2_000);
        assertThat(first.isStarted()).isTrue();

        first.stop();
        EmbeddedBroker second = start(settings());
        assertThat(second.isStarted()).isTrue();
        assertThat(second.inVmUrl()).isNotEqualTo(first.inVmUrl());
    }

    @Test
    void should_fail_fast_when_another_process_uses_the_directory_and_recover_after_it_died() throws Exception {
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(), dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        resources.add(other::destroyForcibly);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine(); // skips the child's log lines
            } while (line != null && !line.startsWith("STARTED"));
            assertThat(line).as("the other process started its broker").isNotNull();

            long begin = System.nanoTime();
            assertThatThrownBy(() -> start(settings()))
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("another relay instance (pid " + other.pid())
                    .hasMessageContaining("is using " + dataDir.resolve("broker").toRealPath());
            assertThat(elapsedMillis(begin)).isLessThan(2_000);

            // a crashed instance leaves no stale lock behind: the OS drops its file locks
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(start(settings()).isStarted()).isTrue();
        }
    }

    @Test
    void should_fail_fast_when_a_foreign_artemis_holds_the_journal_lock() throws Exception {
        Path brokerDir = Files.createDirectories(dataDir.resolve("broker"));
        try (FileChannel serverLock = FileChannel.open(brokerDir.resolve("server.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock primaryLock = serverLock.lock(1, 1, false)) {
            assertThatThrownBy(() -> start(settings()))
                    .isInstanceOf(BrokerException.class)
                    .hasMessageContaining("an ActiveMQ Artemis broker")
                    .hasMessageContaining("relay.data.dir");
        }
    }

    @Test
    void should_fail_with_a_clear_message_when_the_directory_is_not_writable() throws IOException {
        Path notADirectory = Files.writeString(dataDir.resolve("plain-file"), "x");
        BrokerSettings settings = BrokerSettings.defaults(notADirectory);

        assertThatThrownBy(() -> start(settings))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining(notADirectory.resolve("broker").toString())
                .hasMessageContaining("relay.data.dir");
    }

    @Test
    void should_configure_unlimited_attempts_back_off_and_dead_letters_for_the_delivery_queue() {
        EmbeddedBroker broker = start(settings());

        AddressSettings outbound = broker.server().getAddressSettingsRepository().getMatch("relay.outbound");
        assertThat(outbound.getMaxDeliveryAttempts()).isEqualTo(-1);
        assertThat(outbound.getRedeliveryDelay()).isEqualTo(200);
        assertThat(outbound.getRedeliveryMultiplier()).isEqualTo(2.0);
        assertThat(outbound.getMaxRedeliveryDelay()).isEqualTo(1_000);
        assertThat(outbound.getDeadLetterAddress().toString()).isEqualTo("relay.deadletter");
        assertThat(outbound.getExpiryAddress().toString()).isEqualTo("relay.deadletter");
        AddressSettings other = broker.server().getAddressSettingsRepository().getMatch("some.intake.queue");
        assertThat(other.getDeadLetterAddress().toString()).isEqualTo("relay.deadletter");
        assertThat(other.getExpiryAddress().toString()).isEqualTo("relay.deadletter");
        assertThat(broker.server().getConfiguration().isPersistDeliveryCountBeforeDelivery()).isTrue();
        assertThat(broker.server().getConfiguration().getGlobalMaxSize()).isEqualTo(256L * 1024 * 1024);
        assertThat(broker.server().locateQueue("relay.outbound").isDurable()).isTrue();
        assertThat(broker.server().locateQueue("relay.deadletter").isDurable()).isTrue();
        assertThat(broker.server().getConfiguration().getJournalLocation().toPath())
                .startsWith(dataDir.resolve("broker").toAbsolutePath());
    }

    @Test
    void should_connect_to_an_external_broker_over_tcp_with_credentials() throws Exception {
        int port = freePort();
        BrokerSettings serverSide = settings().withListenUrl("tcp://127.0.0.1:" + port)
                .withCredentials("relay", "s3cret");
        EmbeddedBroker broker = start(serverSide);

        BrokerSettings clientSide = BrokerSettings.defaults(dataDir.resolve("other-instance"))
                .withExternalUrl("tcp://127.0.0.1:" + port).withCredentials("relay", "s3cret");
        ConnectionFactory external = factory(clientSide, null);
        send(external, "relay.outbound", "over tcp");
        assertThat(broker.messageCount("relay.outbound")).isEqualTo(1);
        assertThat(receiveText(external, "relay.outbound")).isEqualTo("over tcp");

        ConnectionFactory wrongPassword = factory(clientSide.withCredentials("relay", "wrong"), null);
        assertThatThrownBy(wrongPassword::createConnection).isInstanceOf(JMSSecurityException.class);
        ConnectionFactory anonymous = factory(BrokerSettings.defaults(dataDir.resolve("anon"))
                .withExternalUrl("tcp://127.0.0.1:" + port), null);
        assertThatThrownBy(anonymous::createConnection).isInstanceOf(JMSSecurityException.class);
        // the in-VM client of the broker's own instance uses the same credentials
        send(factory(serverSide, broker), "relay.outbound", "in-vm");
        assertThat(receiveText(external, "relay.outbound")).isEqualTo("in-vm");

        // a second relay instance configured with relay.broker.url starts no broker of its own
        RelayBroker secondInstance = new RelayBroker(clientSide);
        resources.add(secondInstance::shutdown);
        secondInstance.start();
        assertThat(secondInstance.embeddedBroker()).isEmpty();
        send(secondInstance.producerConnectionFactory(), secondInstance.deliveryQueue(), "from instance two");
        assertThat(receiveText(factory(serverSide, broker), "relay.outbound")).isEqualTo("from instance two");
        assertThat(Files.exists(dataDir.resolve("other-instance"))).isFalse();
    }

    @Test
    void should_share_messages_between_competing_consumers() throws Exception {
        EmbeddedBroker broker = start(settings());
        ConnectionFactory factory = factory(settings(), broker);
        int total = 40;
        CountDownLatch received = new CountDownLatch(total);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger[] perConsumer = {new AtomicInteger(), new AtomicInteger()};
        for (AtomicInteger count : perConsumer) {
            Connection connection = factory.createConnection();
            resources.add(connection);
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            session.createConsumer(session.createQueue("relay.outbound")).setMessageListener(message -> {
                try {
                    Thread.sleep(5); // a slow "SMTP" delivery
                    if (!seen.add(((TextMessage) message).getText())) {
                        duplicates.incrementAndGet();
                    }
                    session.commit();
                    count.incrementAndGet();
                    received.countDown();
                } catch (JMSException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            connection.start();
        }

        for (int i = 0; i < total; i++) {
            send(factory, "relay.outbound", "mail " + i);
        }

        assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(duplicates).hasValue(0);
        assertThat(seen).hasSize(total);
        assertThat(perConsumer[0].get()).isGreaterThanOrEqualTo(total / 4);
        assertThat(perConsumer[1].get()).isGreaterThanOrEqualTo(total / 4);
    }

    @Test
    void should_start_and_stop_the_embedded_broker_as_a_camel_service() throws Exception {
        RelayBroker relayBroker = new RelayBroker(settings());
        resources.add(relayBroker::shutdown);
        relayBroker.start();

        assertThat(relayBroker.embeddedBroker()).hasValueSatisfying(b -> assertThat(b.isStarted()).isTrue());
        send(relayBroker.producerConnectionFactory(), relayBroker.deliveryQueue(), "one");
        send(relayBroker.producerConnectionFactory(), relayBroker.deliveryQueue(), "two");
        assertThat(receiveText(relayBroker.connectionFactory(), "relay.outbound")).isEqualTo("one");

        relayBroker.stop();
        assertThat(relayBroker.embeddedBroker().get().isStarted()).isFalse();
        relayBroker.start();
        assertThat(receiveText(relayBroker.connectionFactory(), "relay.outbound")).isEqualTo("two");
        send(relayBroker.producerConnectionFactory(), relayBroker.deliveryQueue(), "three");
        assertThat(receiveText(relayBroker.connectionFactory(), "relay.outbound")).isEqualTo("three");
    }

    private BrokerSettings settings() {
        return BrokerSettings.defaults(dataDir).withRedelivery(REDELIVERY_DELAY, 2.0, Duration.ofSeconds(1));
    }

    private EmbeddedBroker start(BrokerSettings settings) {
        EmbeddedBroker broker = EmbeddedBroker.start(settings);
        resources.add(broker);
        return broker;
    }

    private ConnectionFactory factory(BrokerSettings settings, EmbeddedBroker broker) {
        var factory = BrokerConnectionFactories.create(settings, broker);
        resources.add(factory);
        return factory;
    }

    private static void send(ConnectionFactory factory, String queue, String text) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.send(session.createTextMessage(text));
        }
    }

    private static String receiveText(ConnectionFactory factory, String queue) throws JMSException {
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            Queue destination = session.createQueue(queue);
            Message message = session.createConsumer(destination).receive(3_000);
            assertThat(message).as("message on " + queue).isNotNull();
            session.commit();
            return ((TextMessage) message).getText();
        }
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
