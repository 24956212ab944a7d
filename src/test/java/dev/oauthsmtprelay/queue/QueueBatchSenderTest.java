package dev.oauthsmtprelay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.TestResources;

/** Group commit against a real embedded Artemis broker. */
class QueueBatchSenderTest {

    private static final String QUEUE = "relay.outbound";

    @TempDir
    Path dataDir;

    private final TestResources resources = new TestResources();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void cleanUp() {
        callers.shutdownNow();
        resources.closeAll();
    }

    @Test
    void messages_waiting_together_share_one_commit_and_each_caller_returns_after_it() throws Exception {
        Broker broker = startBroker();
        QueueBatchSender sender = startSender(broker.factory(), 64);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        Future<?> first = submitHeldFirst(sender, releaseFirst);
        List<Future<?>> others = submitTexts(sender, 10);
        awaitWaiting(others.size(), sender);

        releaseFirst.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> other : others) {
            other.get(10, TimeUnit.SECONDS);
        }

        assertThat(sender.messages()).isEqualTo(11);
        assertThat(sender.batches()).as("the first alone, then the ten that waited behind it").isEqualTo(2);
        assertThat(texts(broker.factory(), 11)).hasSize(11).contains("first", "m0", "m9");
    }

    @Test
    void a_batch_holds_no_more_than_its_limit() throws Exception {
        Broker broker = startBroker();
        QueueBatchSender sender = startSender(broker.factory(), 3);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        Future<?> first = submitHeldFirst(sender, releaseFirst);
        List<Future<?>> others = submitTexts(sender, 7);
        awaitWaiting(7, sender);

        releaseFirst.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> other : others) {
            other.get(10, TimeUnit.SECONDS);
        }

        assertThat(sender.messages()).isEqualTo(8);
        assertThat(sender.batches()).as("1, then 3 + 3 + 1").isEqualTo(4);
        assertThat(texts(broker.factory(), 8)).hasSize(8);
    }

    @Test
    void a_message_that_cannot_be_built_fails_alone() throws Exception {
        Broker broker = startBroker();
        QueueBatchSender sender = startSender(broker.factory(), 64);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        Future<?> first = submitHeldFirst(sender, releaseFirst);
        List<Future<?>> good = submitTexts(sender, 2);
        awaitWaiting(2, sender);
        Future<?> bad = submit(sender, session -> {
            throw new JMSException("header JMSXGroupID cannot be mapped");
        });
        awaitWaiting(3, sender);

        releaseFirst.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> ok : good) {
            ok.get(10, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(JMSException.class)
                .hasMessageContaining("cannot be mapped");
        assertThat(texts(broker.factory(), 3)).containsExactlyInAnyOrder("first", "m0", "m1");
    }

    @Test
    void a_message_the_broker_refuses_fails_alone_and_the_rest_of_its_batch_is_sent_one_by_one() throws Exception {
        Broker broker = startBroker();
        QueueBatchSender sender = startSender(broker.factory(), 64);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        Future<?> first = submitHeldFirst(sender, releaseFirst);
        List<Future<?>> before = submitTexts(sender, 1);
        awaitWaiting(1, sender);
        Future<?> refused = submit(sender, session -> unsendable());
        awaitWaiting(2, sender);
        Future<?> after = submit(sender, session -> session.createTextMessage("after"));
        awaitWaiting(3, sender);

        releaseFirst.countDown();
        first.get(10, TimeUnit.SECONDS);
        before.get(0).get(10, TimeUnit.SECONDS);
        after.get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(JMSException.class)
                .hasMessageContaining("cannot be read");
        assertThat(texts(broker.factory(), 3)).containsExactlyInAnyOrder("first", "m0", "after");
        assertThat(sender.messages()).isEqualTo(3);
        assertThat(sender.batches()).as("the first alone, then m0 and after one at a time").isEqualTo(3);
    }

    @Test
    void a_refused_message_first_in_its_batch_does_not_fail_the_ones_after_it() throws Exception {
        Broker broker = startBroker();
        QueueBatchSender sender = startSender(broker.factory(), 64);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        Future<?> first = submitHeldFirst(sender, releaseFirst);
        Future<?> refused = submit(sender, session -> unsendable());
        awaitWaiting(1, sender);
        List<Future<?>> after = submitTexts(sender, 2);
        awaitWaiting(3, sender);

        releaseFirst.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (Future<?> ok : after) {
            ok.get(10, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(JMSException.class)
                .hasMessageContaining("cannot be read");
        assertThat(texts(broker.factory(), 3)).containsExactlyInAnyOrder("first", "m0", "m1");
    }

    /** A message from outside the broker's client whose every read fails: the producer refuses it in send(). */
    private static Message unsendable() {
        return (Message) Proxy.newProxyInstance(QueueBatchSenderTest.class.getClassLoader(),
                new Class<?>[] {Message.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                                : method.getName().equals("equals") ? proxy == args[0] : "unsendable";
                    }
                    throw new JMSException("this message cannot be read (" + method.getName() + ")");
                });
    }

    @Test
    void a_stopped_broker_fails_the_send_and_a_started_one_takes_the_next() throws Exception {
        Broker broker = startBroker();
        QueueBatchSender sender = startSender(broker.factory(), 64);
        sender.send(session -> session.createTextMessage("before"));

        broker.embedded().stop();
        assertThatThrownBy(() -> sender.send(session -> session.createTextMessage("while stopped")))
                .isInstanceOf(JMSException.class);

        broker.embedded().start();
        sender.send(session -> session.createTextMessage("after"));
        assertThat(texts(broker.factory(), 2)).containsExactlyInAnyOrder("before", "after");
        assertThat(broker.embedded().messageCount(QUEUE)).isZero();
    }

    @Test
    void a_stopped_sender_refuses_with_a_reason() throws Exception {
        Broker broker = startBroker();
        QueueBatchSender sender = startSender(broker.factory(), 64);
        sender.stop();

        assertThatThrownBy(() -> sender.send(session -> session.createTextMessage("late")))
                .isInstanceOf(JMSException.class).hasMessageContaining("relay is stopping")
                .hasMessageContaining("stays with its sender");
        assertThat(broker.embedded().messageCount(QUEUE)).isZero();
    }

    private List<Future<?>> submitTexts(QueueBatchSender sender, int count) {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String text = "m" + i;
            futures.add(submit(sender, session -> session.createTextMessage(text)));
        }
        return futures;
    }

    /**
     * Hands over a message whose building waits for {@code release}, and returns once the sender thread is in it:
     * the batch it starts is then closed, and whatever is submitted next waits for the following batch.
     */
    private Future<?> submitHeldFirst(QueueBatchSender sender, CountDownLatch release) throws InterruptedException {
        CountDownLatch building = new CountDownLatch(1);
        Future<?> first = submit(sender, session -> {
            building.countDown();
            awaitQuietly(release);
            return session.createTextMessage("first");
        });
        assertThat(building.await(10, TimeUnit.SECONDS)).as("the sender is building the first message").isTrue();
        return first;
    }

    private Future<?> submit(QueueBatchSender sender, QueueBatchSender.MessageBuilder builder) {
        return callers.submit(() -> {
            sender.send(builder);
            return null;
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The callers are queued once they are parked in send(); their messages are in the sender's queue then. */
    private static void awaitWaiting(int count, QueueBatchSender sender) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sender.waiting() < count) {
            assertThat(System.nanoTime()).as("callers waiting").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static List<String> texts(ConnectionFactory factory, int expected) throws JMSException {
        List<String> texts = new CopyOnWriteArrayList<>();
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            var consumer = session.createConsumer(session.createQueue(QUEUE));
            for (int i = 0; i < expected; i++) {
                Message message = consumer.receive(5_000);
                if (message == null) {
                    break;
                }
                texts.add(((TextMessage) message).getText());
            }
            assertThat(consumer.receive(200)).as("nothing more on the queue").isNull();
            session.commit();
        }
        return texts;
    }

    private record Broker(EmbeddedBroker embedded, ConnectionFactory factory) {
    }

    private Broker startBroker() {
        BrokerSettings settings = BrokerSettings.defaults(dataDir);
        EmbeddedBroker broker = EmbeddedBroker.start(settings);
        resources.add(broker);
        var factory = BrokerConnectionFactories.create(settings, broker);
        resources.add(factory);
        return new Broker(broker, factory);
    }

    private QueueBatchSender startSender(ConnectionFactory factory, int maxBatch) {
        QueueBatchSender sender = new QueueBatchSender(factory, QUEUE, maxBatch);
        sender.start();
        resources.add(sender::stop);
        return sender;
    }
}
