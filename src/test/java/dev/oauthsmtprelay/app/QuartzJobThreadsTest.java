package dev.oauthsmtprelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

import dev.oauthsmtprelay.fixtures.Eventually;

class QuartzJobThreadsTest {

    private final QuartzJobThreads pool = new QuartzJobThreads();

    @AfterEach
    void shutDown() {
        pool.shutdown(false);
    }

    @Test
    void should_run_at_most_its_thread_count_of_jobs_at_once_and_make_the_next_one_wait() throws Exception {
        pool.setThreadCount(2);
        pool.setInstanceName("relay");
        pool.initialize();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(2);
        Runnable blocking = () -> {
            running.countDown();
            await(release);
        };
        assertThat(pool.runInThread(blocking)).isTrue();
        assertThat(pool.runInThread(blocking)).isTrue();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        Thread waitingForThread = new Thread(pool::blockForAvailableThreads);
        waitingForThread.start();
        waitingForThread.join(300);
        assertThat(waitingForThread.isAlive()).as("blockForAvailableThreads waits while both threads are busy").isTrue();

        AtomicReference<String> thirdThread = new AtomicReference<>();
        Thread caller = new Thread(() -> pool.runInThread(() -> thirdThread.set(Thread.currentThread().getName())));
        caller.start();
        caller.join(300);
        assertThat(caller.isAlive()).as("runInThread waits while both threads are busy").isTrue();
        assertThat(thirdThread.get()).isNull();

        release.countDown();
        waitingForThread.join(5_000);
        assertThat(waitingForThread.isAlive()).isFalse();
        caller.join(5_000);
        Eventually.await(Duration.ofSeconds(5), () -> thirdThread.get() != null, () -> "the third job ran");
        assertThat(thirdThread.get()).startsWith("relay-job-");
        assertThat(pool.blockForAvailableThreads()).isBetween(1, 2);
        assertThat(pool.getPoolSize()).isEqualTo(2);
    }

    @Test
    void should_let_a_running_job_finish_on_shutdown_and_refuse_jobs_afterwards() throws Exception {
        pool.setThreadCount(1);
        pool.initialize();
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        pool.runInThread(() -> {
            started.countDown();
            sleep(200);
            finished.set(true);
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        pool.shutdown(true);

        assertThat(finished).isTrue();
        assertThat(pool.runInThread(() -> { })).isFalse();
    }

    @Test
    void should_be_made_and_used_by_quartz_from_its_properties() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("org.quartz.scheduler.instanceName", "relay-test");
        properties.setProperty("org.quartz.threadPool.class", QuartzJobThreads.class.getName());
        properties.setProperty("org.quartz.threadPool.threadCount", "2");
        properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
        try {
            scheduler.start();
            scheduler.scheduleJob(JobBuilder.newJob(RecordingJob.class).build(),
                    TriggerBuilder.newTrigger().startNow().build());

            Eventually.await(Duration.ofSeconds(10), () -> RecordingJob.thread.get() != null, () -> "the job ran");
            assertThat(RecordingJob.thread.get()).startsWith("relay-test-job-");
            assertThat(scheduler.getMetaData().getThreadPoolClass()).isEqualTo(QuartzJobThreads.class);
            assertThat(scheduler.getMetaData().getThreadPoolSize()).isEqualTo(2);
        } finally {
            scheduler.shutdown(true);
        }
    }

    public static final class RecordingJob implements Job {
        static final AtomicReference<String> thread = new AtomicReference<>();

        @Override
        public void execute(JobExecutionContext context) {
            thread.set(Thread.currentThread().getName());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
