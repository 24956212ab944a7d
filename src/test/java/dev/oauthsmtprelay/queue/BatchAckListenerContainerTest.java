package dev.oauthsmtprelay.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.camel.component.jms.JmsEndpoint;
import org.junit.jupiter.api.Test;

/**
 * Delivery's listener container: everything {@link PromptStopListenerContainerTest} asks of a container, and the
 * batches of acknowledgements. The broker's message count includes the messages delivered to a consumer and not yet
 * acknowledged in a commit, so it shows what a crash would deliver again.
 */
class BatchAckListenerContainerTest extends PromptStopListenerContainerTest {

    private volatile int batchSize = 4;
    private volatile Duration maxWait = Duration.ofMillis(300);

    @Override
    PromptStopListenerContainer newContainer(JmsEndpoint endpoint) {
        return new BatchAckListenerContainer(endpoint, batchSize, maxWait);
    }

    /** Starts the route with batches of {@code size} and waits until its consumer waits for a message. */
    private void startBatches(int size, Duration wait) throws Exception {
        batchSize = size;
        maxWait = wait;
        start();
        awaitWaitingReceive();
    }

    @Test
    void a_failed_message_is_rolled_back_alone_and_the_delivered_ones_of_its_batch_are_not_delivered_again()
            throws Exception {
        handling = (text, exchange) -> {
            if (text.equals("fails once") && exchange.getMessage().getHeader("JMSXDeliveryCount", Integer.class) == 1) {
                throw new IllegalStateException("a transient failure");
            }
        };
        startBatches(4, Duration.ofMinutes(1));

        long sent = System.nanoTime();
        send("first", "second", "fails once", "after");

        await(Duration.ofSeconds(10), () -> taken.contains("after"));
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("the message after the failed one waited for no delay")
                .isLessThan(REDELIVERY_DELAY.dividedBy(2));
        assertThat(broker.messageCount(QUEUE)).as("first and second were committed before the rollback; the failed"
                + " message waits for its delay, and after is delivered, not yet committed").isEqualTo(2);

        await(REDELIVERY_DELAY.multipliedBy(3), () -> taken.contains("fails once"));
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("the failed message waited for its delay")
                .isGreaterThanOrEqualTo(REDELIVERY_DELAY.minusSeconds(1));
        Thread.sleep(1000);
        assertThat(takenWithCounts).containsExactly("first #1", "second #1", "after #1", "fails once #2");
    }

    @Test
    void a_full_batch_is_committed_at_once() throws Exception {
        startBatches(3, Duration.ofMinutes(1));

        send("one", "two", "three", "four");

        await(Duration.ofSeconds(10), () -> taken.size() == 4);
        await(Duration.ofSeconds(10), () -> broker.messageCount(QUEUE) == 1);
        assertThat(takenWithCounts).containsExactly("one #1", "two #1", "three #1", "four #1");
    }

    @Test
    void a_batch_that_does_not_fill_is_committed_after_its_wait() throws Exception {
        startBatches(100, Duration.ofSeconds(3));

        send("alone");

        await(Duration.ofSeconds(10), () -> taken.contains("alone"));
        long delivered = System.nanoTime();
        assertThat(broker.messageCount(QUEUE)).as("delivered, waiting for its commit").isEqualTo(1);
        await(Duration.ofSeconds(15), () -> broker.messageCount(QUEUE) == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - delivered)).isLessThan(Duration.ofSeconds(10));
        assertThat(camel.getRouteController().getRouteStatus("delivery").isStarted()).isTrue();
    }

    @Test
    void a_message_whose_step_asks_for_it_is_committed_at_once_with_the_ones_before_it() throws Exception {
        handling = (text, exchange) -> {
            if (text.equals("put back")) {
                new CommitAtOnce().process(exchange);
            }
        };
        startBatches(100, Duration.ofMinutes(1));

        send("delivered", "put back", "after");

        await(Duration.ofSeconds(10), () -> taken.size() == 3);
        await(Duration.ofSeconds(10), () -> broker.messageCount(QUEUE) == 1);
        Thread.sleep(500);
        assertThat(broker.messageCount(QUEUE)).as("after waits for its batch").isEqualTo(1);
    }

    @Test
    void stopping_the_route_commits_what_was_delivered_so_nothing_is_delivered_twice() throws Exception {
        startBatches(100, Duration.ofMinutes(1));
        send("a", "b");
        await(Duration.ofSeconds(10), () -> taken.size() == 2);
        assertThat(broker.messageCount(QUEUE)).isEqualTo(2);

        camel.getRouteController().stopRoute("delivery");

        assertThat(broker.messageCount(QUEUE)).isZero();
        camel.getRouteController().startRoute("delivery");
        send("c");
        await(Duration.ofSeconds(10), () -> taken.contains("c"));
        Thread.sleep(500);
        assertThat(takenWithCounts).containsExactly("a #1", "b #1", "c #1");
    }

    @Test
    void suspending_the_route_commits_what_was_delivered() throws Exception {
        startBatches(100, Duration.ofMinutes(1));
        send("a", "b");
        await(Duration.ofSeconds(10), () -> taken.size() == 2);

        camel.getRouteController().suspendRoute("delivery");

        await(Duration.ofSeconds(10), () -> broker.messageCount(QUEUE) == 0);
        camel.getRouteController().resumeRoute("delivery");
        send("c");
        await(Duration.ofSeconds(10), () -> taken.contains("c"));
        assertThat(takenWithCounts).containsExactly("a #1", "b #1", "c #1");
    }
}
