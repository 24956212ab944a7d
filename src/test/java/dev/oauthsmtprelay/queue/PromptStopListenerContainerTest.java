package dev.oauthsmtprelay.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.MessageListenerContainerFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.TestResources;

/**
 * The listener container of the relay's camel-jms consumers on a real embedded Artemis, with a receive timeout of a
 * minute and delivery's connection factory (each consumer holds one message ahead).
 */
class PromptStopListenerContainerTest {

    static final String QUEUE = "relay.outbound";
    static final long RECEIVE_TIMEOUT_MS = 60_000;
    static final Duration REDELIVERY_DELAY = Duration.ofSeconds(10);

    /** What the route does with a message before it counts it as taken; by default nothing. */
    interface Handling {
        void handle(String text, Exchange exchange) throws Exception;
    }

    @TempDir
    Path dataDir;

    private final TestResources resources = new TestResources();
    final List<String> taken = new CopyOnWriteArrayList<>();
    final List<String> takenWithCounts = new CopyOnWriteArrayList<>();
    final AtomicReference<PromptStopListenerContainer> container = new AtomicReference<>();
    volatile Handling handling = (text, exchange) -> { };
    private ConnectionFactory factory;
    CamelContext camel;
    EmbeddedBroker broker;

    @AfterEach
    void cleanUp() {
        if (camel != null) {
            camel.stop();
        }
        resources.closeAll();
    }

    @Test
    void a_waiting_consumer_takes_a_message_as_soon_as_it_is_queued() throws Exception {
        start();
        awaitWaitingReceive();

        send("first");

        await(Duration.ofSeconds(10), () -> taken.contains("first"));
    }

    @Test
    void stopping_the_route_ends_the_waiting_receive_instead_of_waiting_for_its_timeout() throws Exception {
        start();
        awaitWaitingReceive();

        long started = System.nanoTime();
        camel.getRouteController().stopRoute("delivery");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("stopping took %s with a receive timeout of %d ms", took, RECEIVE_TIMEOUT_MS)
                .isLessThan(Duration.ofSeconds(15));
        assertThat(container.get().waitingReceives()).isZero();
        send("while stopped");
        assertThat(queued()).as("a message queued while the route is stopped stays on the queue")
                .containsExactly("while stopped");

        camel.getRouteController().startRoute("delivery");
        await(Duration.ofSeconds(10), () -> taken.contains("while stopped"));
    }

    @Test
    void a_suspended_route_keeps_new_messages_queued_and_takes_them_when_resumed() throws Exception {
        start();
        awaitWaitingReceive();

        camel.getRouteController().suspendRoute("delivery");
        send("while suspended");
        assertThat(queued()).containsExactly("while suspended");
        assertThat(taken).isEmpty();

        camel.getRouteController().resumeRoute("delivery");
        await(Duration.ofSeconds(10), () -> taken.contains("while suspended"));
    }

    @Test
    void a_rollback_gives_back_the_message_held_ahead_without_the_failed_ones_redelivery_delay() throws Exception {
        handling = (text, exchange) -> {
            boolean redelivered = Boolean.TRUE.equals(exchange.getMessage().getHeader("JMSRedelivered", Boolean.class));
            if (text.equals("fails once") && !redelivered) {
                // by now the broker has sent "next" to this consumer: it has left the queue's browsable messages
                await(Duration.ofSeconds(10), () -> queuedOrEmpty().isEmpty());
                throw new IllegalStateException("a transient failure");
            }
        };
        start();
        awaitWaitingReceive();

        send("fails once", "next");

        long sent = System.nanoTime();
        await(Duration.ofSeconds(5), () -> taken.contains("next"));
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("the message held ahead waited for no delay")
                .isLessThan(REDELIVERY_DELAY.dividedBy(2));
        assertThat(takenWithCounts).as("the message held ahead was not counted as tried").contains("next #1");

        await(REDELIVERY_DELAY.multipliedBy(3), () -> taken.contains("fails once"));
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("the failed message waited for its delay")
                .isGreaterThanOrEqualTo(REDELIVERY_DELAY.minusSeconds(1));
        assertThat(takenWithCounts).containsExactly("next #1", "fails once #2");
    }

    @Test
    void suspending_gives_back_the_message_held_ahead_once_the_current_one_is_done() throws Exception {
        CountDownLatch finish = new CountDownLatch(1);
        handling = (text, exchange) -> {
            if (text.equals("slow")) {
                assertThat(finish.await(30, TimeUnit.SECONDS)).isTrue();
            }
        };
        start();
        awaitWaitingReceive();
        send("slow", "held ahead");
        await(Duration.ofSeconds(10), () -> queuedOrEmpty().isEmpty());

        Thread suspending = new Thread(() -> {
            try {
                camel.getRouteController().suspendRoute("delivery");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        suspending.start();
        await(Duration.ofSeconds(10), () -> !container.get().isRunning());
        finish.countDown();
        suspending.join(30_000);

        assertThat(taken).containsExactly("slow");
        await(Duration.ofSeconds(10), () -> queuedOrEmpty().equals(List.of("held ahead")));
        camel.getRouteController().resumeRoute("delivery");
        await(Duration.ofSeconds(10), () -> taken.contains("held ahead"));
        assertThat(takenWithCounts).containsExactly("slow #1", "held ahead #1");
    }

    /** The container under test; subclasses test the others the same way. */
    PromptStopListenerContainer newContainer(JmsEndpoint endpoint) {
        return new PromptStopListenerContainer(endpoint);
    }

    void start() throws Exception {
        BrokerSettings settings = BrokerSettings.defaults(dataDir)
                .withRedelivery(REDELIVERY_DELAY, 1.0, REDELIVERY_DELAY);
        broker = EmbeddedBroker.start(settings);
        resources.add(broker);
        var connectionFactory = BrokerConnectionFactories.forDelivery(settings, broker);
        resources.add(connectionFactory);
        factory = connectionFactory;

        camel = new DefaultCamelContext();
        camel.addComponent("relayjms", JmsComponent.jmsComponent(factory));
        MessageListenerContainerFactory containers = endpoint -> {
            PromptStopListenerContainer made = newContainer(endpoint);
            container.set(made);
            return made;
        };
        camel.getRegistry().bind("containers", containers);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("relayjms:queue:" + QUEUE + "?transacted=true&lazyCreateTransactionManager=false"
                        + "&cacheLevelName=CACHE_CONSUMER&receiveTimeout=" + RECEIVE_TIMEOUT_MS
                        + "&consumerType=Custom&messageListenerContainerFactory=#containers")
                        .routeId("delivery")
                        .process(exchange -> {
                            String text = exchange.getMessage().getBody(String.class);
                            handling.handle(text, exchange);
                            // In this order: the tests wait on taken, then read takenWithCounts.
                            takenWithCounts.add(text + " #"
                                    + exchange.getMessage().getHeader("JMSXDeliveryCount", Integer.class));
                            taken.add(text);
                        });
            }
        });
        camel.start();
    }

    void awaitWaitingReceive() throws InterruptedException {
        await(Duration.ofSeconds(10), () -> container.get() != null && container.get().waitingReceives() > 0);
    }

    void send(String... texts) throws Exception {
        try (Connection connection = factory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            var producer = session.createProducer(session.createQueue(QUEUE));
            for (String text : texts) {
                producer.send(session.createTextMessage(text));
            }
            session.commit();
        }
    }

    List<String> queuedOrEmpty() {
        try {
            return queued();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> queued() throws Exception {
        try (Connection connection = factory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = session.createBrowser(session.createQueue(QUEUE))) {
            connection.start();
            List<String> texts = new CopyOnWriteArrayList<>();
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                texts.add(((TextMessage) messages.nextElement()).getText());
            }
            return texts;
        }
    }

    static void await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited %s", limit).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
