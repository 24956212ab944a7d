package dev.oauthsmtprelay.intake.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the relay can remove files from the spool directory, asked before each poll and before each file is queued.
 * A file taken from a spool it cannot write would be queued and then stay, and be queued again on every poll.
 */
final class SpoolWritability {

    private SpoolWritability() {
    }

    /** Thrown for a file taken just before its spool stopped being writable; the file stays where it is. */
    static final class NotWritableException extends IOException {
        NotWritableException(Path file, IOException cause) {
            super("Spool file " + file.getFileName() + " is not queued: its directory cannot be written, so the "
                    + "file could not be removed after queueing (" + cause.getMessage() + ")", cause);
        }
    }

    /** For each file before it is queued: one that could not be removed afterwards is left in the spool. */
    static void requireWritable(Path file) throws NotWritableException {
        Optional<IOException> problem = problem(file.toAbsolutePath().getParent());
        if (problem.isPresent()) {
            throw new NotWritableException(file, problem.get());
        }
    }

    /**
     * Empty when the directory can be written (or does not exist yet: Camel creates it). Otherwise the error of a
     * real write, which names the cause (read-only file system, permission denied). {@code access(2)} is asked first,
     * one system call; only when it says no does a probe file show why (and whether it was wrong).
     */
    static Optional<IOException> problem(Path directory) {
        if (Files.isWritable(directory) || !Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try {
            Files.delete(Files.createTempFile(directory, ".relay-writable-", ".probe"));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e);
        }
    }
}
