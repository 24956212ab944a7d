package dev.oauthsmtprelay.intake.spool;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file system's word that a file appeared in the spool directory (inotify on Linux), so that an empty spool
 * need not be scanned twice a second. Not offered where it would miss files or cost more than it saves: on network
 * shares, which do not report other hosts' writes, and where the JDK's watch service itself polls.
 */
final class SpoolDirectoryEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.oauthsmtprelay.intake.spool");
    private static final Set<String> SHARED_FILE_SYSTEMS = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "9p",
            "virtiofs", "afs", "ceph", "lustre", "gpfs", "glusterfs", "vboxsf", "vmhgfs", "prl_fs", "davfs");

    private final WatchService watch;
    private final WatchKey key;

    private SpoolDirectoryEvents(WatchService watch, WatchKey key) {
        this.watch = watch;
        this.key = key;
    }

    /** Events for {@code directory}, or empty (with the reason logged) when the spool has to be scanned instead. */
    static Optional<SpoolDirectoryEvents> open(Path directory) {
        String why = reasonToScan(directory);
        if (why == null) {
            WatchService watch = null;
            try {
                watch = FileSystems.getDefault().newWatchService();
                if (watch.getClass().getSimpleName().startsWith("Polling")) {
                    why = "this platform's file events are themselves a periodic scan";
                } else {
                    WatchKey key = directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
                    return Optional.of(new SpoolDirectoryEvents(watch, key));
                }
            } catch (IOException | UnsupportedOperationException e) {
                why = "the file system gives no events for it (" + e.getMessage() + ")";
            }
            closeQuietly(watch);
        }
        LOG.info("Spool {}: {}, so it is scanned every relay.spool.poll-interval even while empty.", directory, why);
        return Optional.empty();
    }

    private static String reasonToScan(Path directory) {
        try {
            String type = Files.getFileStore(directory).type().toLowerCase(Locale.ROOT);
            if (SHARED_FILE_SYSTEMS.contains(type) || type.startsWith("fuse")) {
                return "it is on a network or FUSE file system (" + type + "), whose events miss other hosts' writes";
            }
            return null;
        } catch (IOException e) {
            return "its file system could not be told (" + e.getMessage() + ")";
        }
    }

    /**
     * Waits until a file appears or {@code timeout} passes; true when something appeared. Events that came while
     * nobody waited count too, so a file created during a scan is not missed. False at once once closed, or when the
     * directory itself went away (then {@link #isValid()} is false).
     */
    boolean await(Duration timeout) {
        try {
            WatchKey signalled = watch.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (signalled == null) {
                return false;
            }
            signalled.pollEvents(); // which file does not matter: the scan that follows lists them all
            signalled.reset();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ClosedWatchServiceException e) {
            return false;
        }
    }

    boolean isValid() {
        return key.isValid();
    }

    @Override
    public void close() {
        closeQuietly(watch);
    }

    private static void closeQuietly(WatchService watch) {
        if (watch != null) {
            try {
                watch.close();
            } catch (IOException e) {
                LOG.debug("Closing the spool's file events failed", e);
            }
        }
    }
}
