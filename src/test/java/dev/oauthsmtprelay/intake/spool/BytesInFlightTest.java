package dev.oauthsmtprelay.intake.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BytesInFlightTest {

    @Test
    void should_let_files_through_together_while_they_fit_into_the_budget() throws Exception {
        BytesInFlight budget = new BytesInFlight(100);

        budget.acquire(40);
        budget.acquire(60);

        assertThat(budget.inFlight()).isEqualTo(100);
    }

    @Test
    void should_make_a_file_wait_until_earlier_ones_are_released() throws Exception {
        BytesInFlight budget = new BytesInFlight(100);
        budget.acquire(70);
        CountDownLatch started = new CountDownLatch(1);

        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            started.countDown();
            acquire(budget, 50);
        });
        started.await();
        Thread.sleep(200);
        assertThat(second).as("waits while 70 + 50 > 100").isNotDone();

        budget.release(70);
        second.get(5, TimeUnit.SECONDS);
        assertThat(budget.inFlight()).isEqualTo(50);
    }

    @Test
    void should_take_a_file_larger_than_the_budget_alone_instead_of_waiting_forever() throws Exception {
        BytesInFlight budget = new BytesInFlight(100);

        budget.acquire(500);
        assertThat(budget.inFlight()).isEqualTo(100);
        CompletableFuture<Void> next = CompletableFuture.runAsync(() -> acquire(budget, 1));
        Thread.sleep(200);
        assertThat(next).as("nothing else while the large one is in flight").isNotDone();

        budget.release(500);
        next.get(5, TimeUnit.SECONDS);
        assertThat(budget.inFlight()).isEqualTo(1);
    }

    @Test
    void should_refuse_a_budget_that_is_not_positive() {
        assertThatThrownBy(() -> new BytesInFlight(0)).hasMessageContaining("relay.spool.max-bytes-in-flight");
    }

    private static void acquire(BytesInFlight budget, long bytes) {
        try {
            budget.acquire(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
