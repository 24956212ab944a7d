package dev.oauthsmtprelay.deadletter;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.message.AtomicFiles;

/**
 * Dead letters on disk, in {@code <relay.data.dir>/deadletter}: {@code <id>.eml} holds the message
 * as it was to be sent, {@code <id>.json} everything else. Both are written atomically and the
 * {@code .json} last, so a dead letter is listed only once it is complete; a lone {@code .eml}
 * (a crash between the two writes) is skipped and overwritten when the same id is written again.
 * Administrators may read both files directly.
 */
public final class DeadLetterStore {

    public static final String DIRECTORY_NAME = "deadletter";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);
    private static final String MIME = ".eml";
    private static final String METADATA = ".json";

    private final Path directory;

    public DeadLetterStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The store under the relay's data directory ({@code relay.data.dir}). */
    public static DeadLetterStore inDataDir(Path dataDir) {
        return new DeadLetterStore(dataDir.resolve(DIRECTORY_NAME));
    }

    public Path directory() {
        return directory;
    }

    /**
     * Stores the dead letter; writing the same id again replaces it, so the caller may simply
     * write again after a crash.
     *
     * @throws DeadLetterStoreException when the directory cannot be created or written
     */
    public void write(DeadLetter letter) {
        try {
            AtomicFiles.write(mimeFile(letter.id()), letter.mime());
            AtomicFiles.write(metadataFile(letter.id()), DeadLetterJson.write(letter));
        } catch (IOException e) {
            throw new DeadLetterStoreException("Cannot write dead letter " + letter.id() + " to "
                    + directory.toAbsolutePath() + ": " + describe(e) + ". Free space on its file system, make that "
                    + "directory writable for the relay's user, or set relay.data.dir to a writable directory (dead "
                    + "letters are kept in "
                    + "<relay.data.dir>/" + DIRECTORY_NAME + ").", e);
        }
    }

    /** Complete dead letters, oldest last attempt first; an empty list when the directory does not exist. */
    public List<DeadLetterSummary> list() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<DeadLetterSummary> letters = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + METADATA)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - METADATA.length());
                if (name.startsWith(".") || !DeadLetterIds.isValid(id)) {
                    continue;
                }
                try {
                    letters.add(summary(id));
                } catch (DeadLetterNotFoundException incomplete) {
                    // Deleted meanwhile, or its .eml is missing: not a complete dead letter.
                } catch (DeadLetterStoreException damaged) {
                    LOG.warn("Skipping a damaged dead letter: {}", damaged.getMessage());
                }
            }
        } catch (IOException e) {
            throw unreadable(e);
        }
        letters.sort(Comparator.comparing(DeadLetterSummary::lastAttempt).thenComparing(DeadLetterSummary::id));
        return letters;
    }

    /**
     * @throws DeadLetterNotFoundException when there is no complete dead letter with this id
     * @throws IllegalArgumentException    for an id that is not valid
     */
    public DeadLetter read(String id) {
        DeadLetterSummary summary = summary(DeadLetterIds.requireValid(id));
        byte[] mime;
        try {
            mime = Files.readAllBytes(mimeFile(id));
        } catch (NoSuchFileException e) {
            throw new DeadLetterNotFoundException(id, directory);
        } catch (IOException e) {
            throw unreadable(e);
        }
        return new DeadLetter(id, mime, summary.mailFrom(), summary.recipients(), summary.senderMailbox(),
                summary.reason(), summary.smtpReply(), summary.attempts(), summary.firstAttempt(),
                summary.lastAttempt(), summary.source());
    }

    /** Whether a complete dead letter with this (valid) id exists. */
    public boolean exists(String id) {
        DeadLetterIds.requireValid(id);
        return Files.isRegularFile(metadataFile(id)) && Files.isRegularFile(mimeFile(id));
    }

    /**
     * Deletes the dead letter (also an incomplete one: a lone {@code .eml}).
     *
     * @return false when there was nothing with this id
     */
    public boolean delete(String id) {
        DeadLetterIds.requireValid(id);
        try {
            boolean metadata = Files.deleteIfExists(metadataFile(id));
            boolean mime = Files.deleteIfExists(mimeFile(id));
            return metadata || mime;
        } catch (IOException e) {
            throw new DeadLetterStoreException("Cannot delete dead letter " + id + " from " + directory.toAbsolutePath()
                    + ": " + describe(e) + ". Make that directory writable for the user running this command.", e);
        }
    }

    /**
     * Deletes the dead letters whose last attempt is more than {@code age} before the clock's now.
     *
     * @return how many were deleted
     */
    public int purgeOlderThan(Duration age, Clock clock) {
        if (age.isNegative()) {
            throw new IllegalArgumentException("The age to purge must not be negative: " + age);
        }
        Instant cutoff = clock.instant().minus(age);
        int purged = 0;
        for (DeadLetterSummary letter : list()) {
            if (letter.lastAttempt().isBefore(cutoff) && delete(letter.id())) {
                purged++;
            }
        }
        return purged;
    }

    /**
     * Puts the message back into the spool for the running relay (or its next start) and deletes
     * the dead letter. The file {@code <spoolDir>/<id>.eml} appears atomically (it is written under
     * a dot name the spool ignores, then renamed) and carries the envelope in its headers: envelope
     * recipients that To and Cc do not name are added as Bcc, which the intake turns back into
     * RCPT TO and removes. The body is copied byte for byte.
     * <p>
     * The dead letter is deleted only after the spool file is in place; a crash in between leaves
     * both, and retrying again then reports that the spool already holds the file.
     *
     * @throws DeadLetterNotFoundException for an unknown id
     * @throws DeadLetterStoreException    when the spool already holds {@code <id>.eml} or is not writable
     */
    public RetriedDeadLetter retry(String id, Path spoolDir) {
        DeadLetter letter = read(id);
        SpoolCopy copy = SpoolCopy.of(letter.mime(), letter.recipients());
        Path target = spoolDir.resolve(id + MIME);
        if (Files.exists(target)) {
            throw new DeadLetterStoreException("The spool already holds " + target.toAbsolutePath() + ", so dead "
                    + "letter " + id + " was not put back. Wait until the relay has picked that file up (is it "
                    + "running?) and retry again, or delete the dead letter if the spool file is the same message.");
        }
        try {
            AtomicFiles.write(target, copy.mime());
        } catch (IOException e) {
            throw new DeadLetterStoreException("Cannot put dead letter " + id + " back into the spool "
                    + spoolDir.toAbsolutePath() + ": " + describe(e) + ". Make that directory writable for the user "
                    + "running this command, or check relay.spool.dir.", e);
        }
        delete(id);
        return new RetriedDeadLetter(id, target, copy.recipients());
    }

    private DeadLetterSummary summary(String id) {
        Path metadata = metadataFile(id);
        try {
            byte[] json = Files.readAllBytes(metadata);
            long size = Files.size(mimeFile(id));
            return DeadLetterJson.read(json, id, size);
        } catch (NoSuchFileException e) {
            throw new DeadLetterNotFoundException(id, directory);
        } catch (AccessDeniedException e) {
            throw unreadable(e);
        } catch (IOException e) {
            throw new DeadLetterStoreException("Dead letter metadata " + metadata.toAbsolutePath() + " is damaged ("
                    + e.getMessage() + "). Repair the JSON, or delete " + id + METADATA + " and " + id + MIME
                    + " if the message is no longer needed.", e);
        }
    }

    private DeadLetterStoreException unreadable(IOException e) {
        return new DeadLetterStoreException("Cannot read dead letters in " + directory.toAbsolutePath() + ": "
                + describe(e) + ". Let the user running this command read that directory, or check relay.data.dir.", e);
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "access denied (" + e.getMessage() + ")";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + " (" + fs.getFile() + ")";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private Path mimeFile(String id) {
        return directory.resolve(id + MIME);
    }

    private Path metadataFile(String id) {
        return directory.resolve(id + METADATA);
    }
}
