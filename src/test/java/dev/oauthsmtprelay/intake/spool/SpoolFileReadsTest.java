package dev.oauthsmtprelay.intake.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.Eventually;

class SpoolFileReadsTest {

    @TempDir
    Path dir;

    private final SpoolFileReads reads = new SpoolFileReads(Duration.ofMillis(200), Clock.systemUTC());

    @Test
    void reads_a_complete_file() throws Exception {
        Path file = Files.writeString(dir.resolve("a.eml"), "Subject: a\r\n\r\nbody\r\n");

        assertThat(new String(reads.readAll(file, "a.eml"), StandardCharsets.UTF_8)).contains("body");
        assertThat(reads.stalled()).isEmpty();
    }

    @Test
    void a_read_that_does_not_return_in_time_leaves_the_file_and_is_not_started_again_until_it_returns()
            throws Exception {
        Path file = Files.writeString(dir.resolve("stalled.eml"), "x");
        CountDownLatch share = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();

        long begin = System.nanoTime();
        assertThatThrownBy(() -> reads.withDeadline(file, "stalled.eml", () -> {
            started.incrementAndGet();
            return share.await(30, TimeUnit.SECONDS);
        })).isInstanceOf(SpoolFileReads.NotReadyException.class).hasMessageContaining("stays in the spool");
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("the caller waits for the deadline only")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(reads.stalled()).extracting(SpoolFileReads.Stall::file).containsExactly("stalled.eml");

        assertThatThrownBy(() -> reads.withDeadline(file, "stalled.eml", () -> started.incrementAndGet()))
                .isInstanceOf(SpoolFileReads.NotReadyException.class).hasMessageContaining("has not returned since");
        assertThat(started).as("no second reader waits on the same file").hasValue(1);
        assertThat(reads.readAll(Files.writeString(dir.resolve("other.eml"), "y"), "other.eml"))
                .as("other files are read meanwhile").hasSize(1);

        share.countDown();
        Eventually.await(Duration.ofSeconds(10), () -> reads.stalled().isEmpty(), () -> "the stall ends");
        assertThat(reads.readAll(file, "stalled.eml")).hasSize(1);
    }

    @Test
    void a_streamed_file_whose_read_stalls_in_the_middle_frees_the_sender_and_stays_until_the_read_returns()
            throws Exception {
        Path file = Files.writeString(dir.resolve("large.eml"), "x");
        CountDownLatch share = new CountDownLatch(1);
        InputStream stalling = new SequenceInputStream(new ByteArrayInputStream("Subject: large\r\n\r\n".getBytes(
                StandardCharsets.US_ASCII)), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        try {
                            share.await(30, TimeUnit.SECONDS); // a share that stops answering mid-file
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return -1;
                    }
                });

        InputStream body = reads.withDeadlines(file, "large.eml", () -> stalling);
        byte[] start = new byte[64];
        assertThat(body.read(start, 0, start.length)).as("the header section comes at once").isPositive();
        long begin = System.nanoTime();
        assertThatThrownBy(() -> body.read(start, 0, start.length))
                .isInstanceOf(SpoolFileReads.NotReadyException.class).hasMessageContaining("stays in the spool");
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("the sender waits for the deadline only")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(reads.stalled()).extracting(SpoolFileReads.Stall::file).containsExactly("large.eml");
        assertThatThrownBy(() -> reads.withDeadlines(file, "large.eml", () -> stalling))
                .as("not opened again while the read is outstanding")
                .isInstanceOf(SpoolFileReads.NotReadyException.class);

        share.countDown();
        Eventually.await(Duration.ofSeconds(10), () -> reads.stalled().isEmpty(), () -> "the stall ends");
    }

    @Test
    void a_file_that_changes_while_it_is_read_is_not_taken() throws Exception {
        Path file = Files.writeString(dir.resolve("growing.eml"), "Subject: g\r\n\r\nfirst part\r\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));

        assertThatThrownBy(() -> reads.readAll(file, "growing.eml", path -> {
            byte[] firstPart = Files.readAllBytes(path);
            Files.writeString(path, "second part\r\n", StandardOpenOption.APPEND); // the writer goes on meanwhile
            return firstPart;
        })).isInstanceOf(SpoolFileReads.NotReadyException.class).hasMessageContaining("changed while it was read")
                .hasMessageContaining("rename them when they are complete");
        assertThat(reads.readAll(file, "growing.eml")).as("taken once it stays unchanged")
                .asString(StandardCharsets.UTF_8).contains("second part");
    }
}
