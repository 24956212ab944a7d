package dev.oauthsmtprelay.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a broker directory, so a second broker on the same journal fails at once instead of
 * blocking forever inside Artemis waiting for {@code server.lock}.
 *
 * <p>The relay holds an OS file lock on {@code relay-instance.lock} for as long as its broker runs. The lock is
 * released by the OS when the process dies, so a crashed instance never leaves a stale lock behind. Within one JVM,
 * a second attempt is refused from an in-memory set <em>before</em> the lock file is opened: on POSIX systems closing
 * any descriptor of a file drops every lock the process holds on it, so merely opening and closing the file again
 * would silently unlock the running broker. The lock covers a byte range past the file's content, so the owner's
 * description (pid, host) stays readable on every platform.
 *
 * <p>As a second line of defence it probes Artemis's own primary lock in {@code server.lock} (byte 1), which catches
 * an Artemis started by something other than the relay (for example the {@code artemis} CLI) on the same directory.
 */
final class DirectoryLock implements AutoCloseable {

    static final String LOCK_FILE = "relay-instance.lock";
    private static final String ARTEMIS_LOCK_FILE = "server.lock";
    private static final long LOCK_POSITION = 1L << 20;
    private static final int ARTEMIS_PRIMARY_LOCK_POSITION = 1;

    /** Directories locked by this JVM (real paths). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates {@code directory} if needed, checks it is writable and takes the lock, or fails with advice. */
    static DirectoryLock acquire(Path directory) {
        Path dir = prepareDirectory(directory.toAbsolutePath().normalize());
        if (!HELD.add(dir)) {
            throw inUse(dir, "this process");
        }
        try {
            return lock(dir);
        } catch (RuntimeException e) {
            HELD.remove(dir);
            throw e;
        }
    }

    private static DirectoryLock lock(Path dir) {
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw notWritable(dir, e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock(LOCK_POSITION, 1, false);
        } catch (OverlappingFileLockException e) {
            // only possible if something else in this JVM locked the file outside this class
            closeQuietly(channel);
            throw inUse(dir, "this process");
        } catch (IOException e) {
            closeQuietly(channel);
            throw notWritable(dir, e);
        }
        if (lock == null) {
            String owner = readOwner(channel);
            closeQuietly(channel);
            throw inUse(dir, owner);
        }
        DirectoryLock acquired = new DirectoryLock(dir, channel, lock);
        try {
            acquired.writeOwner();
            probeArtemisLock(dir);
        } catch (RuntimeException e) {
            acquired.close();
            throw e;
        }
        return acquired;
    }

    Path directory() {
        return directory;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // the channel is closed next, which releases the lock anyway
        } finally {
            closeQuietly(channel);
            HELD.remove(directory);
        }
    }

    static String inUseMessage(Path dir, String owner) {
        return "another relay instance" + (owner == null || owner.isBlank() ? "" : " (" + owner + ")")
                + " is using " + dir + "; give each instance its own relay.data.dir, or share a broker with "
                + "relay.broker.url";
    }

    private static BrokerException inUse(Path dir, String owner) {
        return new BrokerException(inUseMessage(dir, owner));
    }

    private static BrokerException notWritable(Path dir, Exception cause) {
        return new BrokerException("the broker directory " + dir + " is not writable (" + describe(cause)
                + "); point relay.data.dir at a directory this user can write to", cause);
    }

    private static Path prepareDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BrokerException("cannot create the broker directory " + dir + " (" + describe(e)
                    + "); point relay.data.dir at a directory this user can write to", e);
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new BrokerException("the broker directory " + dir + " is not writable; point relay.data.dir at a "
                    + "directory this user can write to");
        }
        // isWritable() can be wrong (read-only mounts, ACLs, root): prove it with a real write.
        Path probe = dir.resolve(".write-test-" + ProcessHandle.current().pid());
        try {
            Files.write(probe, new byte[] {1});
            Files.delete(probe);
        } catch (IOException e) {
            throw notWritable(dir, e);
        }
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir;
        }
    }

    private void writeOwner() {
        String owner = "pid " + ProcessHandle.current().pid() + " on " + hostName();
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            throw notWritable(directory, e);
        }
    }

    private static String readOwner(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(256);
            int read = channel.read(buffer, 0);
            if (read <= 0) {
                return null;
            }
            return new String(buffer.array(), 0, read, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Only called while we hold our own lock, so no relay broker in this JVM uses {@code dir}: closing the probe
     * channel therefore cannot drop a lock that a broker of ours holds.
     */
    private static void probeArtemisLock(Path dir) {
        Path serverLock = dir.resolve(ARTEMIS_LOCK_FILE);
        if (!Files.exists(serverLock)) {
            return;
        }
        try (FileChannel probe = FileChannel.open(serverLock, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock held = probe.tryLock(ARTEMIS_PRIMARY_LOCK_POSITION, 1, false);
            if (held == null) {
                throw new BrokerException(inUseMessage(dir, "an ActiveMQ Artemis broker holds "
                        + ARTEMIS_LOCK_FILE));
            }
            held.release();
        } catch (OverlappingFileLockException e) {
            throw new BrokerException(inUseMessage(dir, "an ActiveMQ Artemis broker in this process holds "
                    + ARTEMIS_LOCK_FILE));
        } catch (NoSuchFileException e) {
            // removed in between: nobody holds it
        } catch (IOException e) {
            throw notWritable(dir, e);
        }
    }

    /** From the environment: a DNS lookup ({@code InetAddress.getLocalHost()}) can take seconds. */
    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            host = System.getenv("COMPUTERNAME");
        }
        return host == null || host.isBlank() ? "this host" : host;
    }

    private static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
