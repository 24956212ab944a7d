package dev.oauthsmtprelay.deadletter.retention;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.deadletter.DeadLetterStore;

/**
 * Deletes dead letters whose last attempt is older than {@code relay.retention.dead-letters} and
 * files in the spool archive ({@code relay.spool.archive-dir}) last modified before
 * {@code relay.retention.archive}. A zero duration keeps that kind for good.
 */
public final class RetentionJob implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final DeadLetterStore deadLetters;
    private final Duration deadLetterAge;
    private final Path archiveDir;
    private final Duration archiveAge;
    private final Clock clock;

    /** @param archiveDir null when taken spool files are deleted rather than archived */
    public RetentionJob(DeadLetterStore deadLetters, Duration deadLetterAge, Path archiveDir, Duration archiveAge,
            Clock clock) {
        this.deadLetters = deadLetters;
        this.deadLetterAge = deadLetterAge;
        this.archiveDir = archiveDir;
        this.archiveAge = archiveAge;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        run();
    }

    /** @return dead letters and archived files deleted */
    public int[] run() {
        int letters = deadLetterAge.isZero() ? 0 : deadLetters.purgeOlderThan(deadLetterAge, clock);
        int archived = archiveDir == null || archiveAge.isZero() ? 0 : purgeArchive();
        if (letters > 0 || archived > 0) {
            LOG.info("Retention: deleted {} dead letter(s) older than {} and {} archived spool file(s) older than {}",
                    letters, human(deadLetterAge), archived, human(archiveAge));
        }
        return new int[] {letters, archived};
    }

    private int purgeArchive() {
        if (!Files.isDirectory(archiveDir)) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(archiveAge);
        List<Path> old;
        try (Stream<Path> files = Files.list(archiveDir)) {
            old = files.filter(Files::isRegularFile).filter(f -> modifiedBefore(f, cutoff)).toList();
        } catch (IOException e) {
            LOG.warn("Retention: cannot list the spool archive {}: {}. Let the relay's user read it, or check "
                    + "relay.spool.archive-dir.", archiveDir.toAbsolutePath(), e.toString());
            return 0;
        }
        int deleted = 0;
        for (Path file : old) {
            try {
                if (Files.deleteIfExists(file)) {
                    deleted++;
                }
            } catch (IOException e) {
                LOG.warn("Retention: cannot delete {}: {}. Let the relay's user write to {}.", file, e.toString(),
                        archiveDir.toAbsolutePath());
            }
        }
        return deleted;
    }

    private static String human(Duration duration) {
        return duration.toHours() % 24 == 0 && duration.toDays() > 0 ? duration.toDays() + " days"
                : duration.toString().substring(2).toLowerCase();
    }

    private static boolean modifiedBefore(Path file, Instant cutoff) {
        try {
            return Files.getLastModifiedTime(file).toInstant().isBefore(cutoff);
        } catch (IOException e) {
            return false;
        }
    }
}
