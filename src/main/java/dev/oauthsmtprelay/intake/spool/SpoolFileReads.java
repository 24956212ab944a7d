package dev.oauthsmtprelay.intake.spool;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * Reads spool files with a deadline ({@code relay.spool.read-timeout}), so that one file on a stalled network share
 * (IFS folders are often NFS or SMB mounts) cannot hold an intake thread: the read runs on a reader thread of its
 * own, and when it has not returned in time the intake goes on with the next file. The file stays in the spool, and
 * while its read is still outstanding it is not read again (no second thread waits on the same file); once the read
 * returns, the next poll takes the file as usual. Each stall gets one warning and one line when it ends.
 *
 * <p>A file that changed while it was read (its size or time stamp differ afterwards) is not queued: it stays in the
 * spool and is taken once it is complete.
 */
public final class SpoolFileReads {

    /** A stalled read, for health and status. */
    public record Stall(String file, Instant since) {
    }

    /** The file cannot be taken now: its read is stalled, or it changed while it was read. It stays in the spool. */
    public static final class NotReadyException extends IOException {
        NotReadyException(String message) {
            super(message);
        }
    }

    public static final String BEAN = "relaySpoolReads";

    private static final Logger LOG = LoggerFactory.getLogger(SpoolFileReads.class);

    private final Duration timeout;
    private final Clock clock;
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "relay-spool-read");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Path, Stall> stalled = new ConcurrentHashMap<>();

    public SpoolFileReads(Duration timeout, Clock clock) {
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The whole file, unless it stalls or changes while it is read. */
    public byte[] readAll(Path file, String name) throws IOException, InvalidMessageException {
        return readAll(file, name, Files::readAllBytes);
    }

    /** The content's read of {@link #readAll(Path, String)}, as a parameter for the tests. */
    interface ContentRead {
        byte[] read(Path file) throws IOException;
    }

    byte[] readAll(Path file, String name, ContentRead contentRead) throws IOException, InvalidMessageException {
        return withDeadline(file, name, () -> {
            BasicFileAttributes before = attributes(file);
            byte[] content = contentRead.read(file);
            BasicFileAttributes after = attributes(file);
            if (content.length != after.size() || !before.lastModifiedTime().equals(after.lastModifiedTime())) {
                throw new NotReadyException("spool file " + name + " changed while it was read (" + before.size()
                        + " → " + after.size() + " bytes); it stays in the spool and is taken once it is complete. "
                        + "Write spool files under another name (or into another directory) and rename them when "
                        + "they are complete.");
            }
            return content;
        });
    }

    /** Runs a read of the file (such as parsing its header section) with the deadline. */
    public <T> T withDeadline(Path file, String name, Callable<T> read) throws IOException, InvalidMessageException {
        Path key = file.toAbsolutePath();
        Stall earlier = stalled.get(key);
        if (earlier != null) {
            throw stalledException(name, earlier.since());
        }
        CompletableFuture<T> reading = new CompletableFuture<>();
        readers.execute(() -> {
            try {
                reading.complete(read.call());
            } catch (Throwable e) {
                reading.completeExceptionally(e);
            }
        });
        try {
            return reading.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Stall stall = new Stall(name, clock.instant().minus(timeout));
            if (stalled.putIfAbsent(key, stall) == null) {
                reading.whenComplete((result, error) -> {
                    stalled.remove(key);
                    LOG.info("The read of spool file {} returned after {} s; the file is taken again.", name,
                            Duration.between(stall.since(), clock.instant()).toSeconds());
                });
                LOG.warn("Reading spool file {} has taken longer than {} (relay.spool.read-timeout): the intake goes "
                        + "on with the other files and leaves this one in the spool, not reading it again until the "
                        + "read returns. A stalled network share (NFS, SMB) or a failing disk under the spool is the "
                        + "usual cause; check the mount.", name, human(timeout));
            }
            throw stalledException(name, stall.since());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotReadyException("interrupted while reading spool file " + name);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof InvalidMessageException invalid) {
                throw invalid;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }

    /**
     * The stream of a large file that is queued as it is read (an Artemis large message): opening it and each read
     * from it have the deadline, so a share that stalls in the middle of a 30 MB file frees the intake thread too.
     * The send then fails, the file stays in the spool, and it is not read again until the stalled read returns.
     */
    public InputStream withDeadlines(Path file, String name, Callable<InputStream> open)
            throws IOException, InvalidMessageException {
        InputStream in = withDeadline(file, name, open);
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                try {
                    return withDeadline(file, name, () -> in.read(buffer, offset, length));
                } catch (InvalidMessageException impossible) {
                    throw new IOException(impossible);
                }
            }
        };
    }

    /** The spool files whose reads are outstanding past the deadline, longest first. */
    public List<Stall> stalled() {
        return stalled.values().stream().sorted((a, b) -> a.since().compareTo(b.since())).toList();
    }

    private NotReadyException stalledException(String name, Instant since) {
        return new NotReadyException("the read of spool file " + name + " has not returned since " + since
                + " (relay.spool.read-timeout=" + human(timeout) + "); it stays in the spool");
    }

    private static BasicFileAttributes attributes(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static String human(Duration duration) {
        return duration.toMillis() < 1000 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }
}
