package dev.oauthsmtprelay.intake.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.Eventually;

/** The scheduler with a real directory and the file system's own events; the task counts the scans. */
class SpoolPollSchedulerTest {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration LONG_IDLE = Duration.ofHours(1);

    @TempDir
    Path spool;

    private final AtomicInteger scans = new AtomicInteger();
    private SpoolPollScheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.unscheduleTask();
        }
    }

    @Test
    void should_scan_an_empty_spool_when_a_file_arrives_instead_of_on_the_poll_interval() throws Exception {
        start(LONG_IDLE);
        awaitScans(1);
        Thread.sleep(500);
        assertThat(scans).as("no scan of an empty spool in 10 poll intervals").hasValue(1);

        drop("a.eml");

        awaitScans(2);
    }

    @Test
    void should_scan_every_poll_interval_while_a_file_waits_in_the_spool() throws Exception {
        drop("waiting.json");
        start(LONG_IDLE);

        awaitScans(6);
    }

    @Test
    void should_treat_a_spool_with_only_other_files_as_empty() throws Exception {
        Files.writeString(spool.resolve("notes.txt"), "not mail");
        Files.writeString(spool.resolve(".hidden.eml"), "hidden");
        Files.createDirectories(spool.resolve("folder.eml"));
        start(LONG_IDLE);
        awaitScans(1);

        Thread.sleep(500);

        assertThat(scans).hasValue(1);
    }

    @Test
    void should_scan_every_poll_interval_when_the_idle_interval_is_not_longer() {
        start(POLL);

        awaitScans(6);
    }

    @Test
    void should_end_its_scans_promptly_when_unscheduled_during_an_idle_wait() throws Exception {
        start(LONG_IDLE);
        awaitScans(1);

        long started = System.nanoTime();
        scheduler.unscheduleTask();
        long stopMillis = (System.nanoTime() - started) / 1_000_000;
        drop("after-stop.eml");
        Thread.sleep(300);

        assertThat(stopMillis).as("the idle wait is ended, not waited out").isLessThan(4_000);
        assertThat(scheduler.isSchedulerStarted()).isFalse();
        assertThat(scans).hasValue(1);
    }

    @Test
    void should_scan_again_after_being_started_anew() {
        start(LONG_IDLE);
        awaitScans(1);
        scheduler.unscheduleTask();

        scheduler.startScheduler();

        awaitScans(2);
    }

    @Test
    void should_keep_scanning_after_a_scan_that_threw() {
        scheduler = new SpoolPollScheduler(POLL, POLL);
        scheduler.directory(spool, "eml,json");
        scheduler.scheduleTask(() -> {
            if (scans.incrementAndGet() == 1) {
                throw new IllegalStateException("a bug in a scan");
            }
        });
        scheduler.startScheduler();

        awaitScans(3);
    }

    private void start(Duration idle) {
        scheduler = new SpoolPollScheduler(POLL, idle);
        scheduler.directory(spool, "eml,json");
        scheduler.scheduleTask(scans::incrementAndGet);
        scheduler.startScheduler();
    }

    private void awaitScans(int count) {
        Eventually.await(Duration.ofSeconds(5), () -> scans.get() >= count,
                () -> count + " scans, got " + scans.get());
    }

    private void drop(String name) throws Exception {
        Path partial = Files.writeString(spool.resolve("." + name + ".part"), "Subject: x\r\n\r\nbody\r\n");
        Files.move(partial, spool.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
