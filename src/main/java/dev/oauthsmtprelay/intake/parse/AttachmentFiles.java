package dev.oauthsmtprelay.intake.parse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * Reads attachment files named by path in JSON messages, only from the configured directories.
 * A path must be inside one of them both as written (after normalisation, so "../" cannot climb
 * out) and after following symbolic links (so a link cannot point out).
 */
final class AttachmentFiles {

    private final List<Path> allowedDirs;

    AttachmentFiles(List<Path> allowedDirs) {
        this.allowedDirs = allowedDirs.stream().map(dir -> dir.toAbsolutePath().normalize()).toList();
    }

    /**
     * @param field    where the path was given, e.g. {@code attachments[0].path}
     * @param maxBytes the most this file may hold, so a huge file is refused before it is read
     */
    byte[] read(String field, String pathText, long maxBytes) throws InvalidMessageException {
        if (allowedDirs.isEmpty()) {
            throw new InvalidMessageException("attachments by path are disabled (" + field + " = \"" + pathText
                    + "\"): no attachment directory is configured; set " + RelayKeys.INTAKE_ATTACHMENT_DIRS
                    + " to the directories producers write attachments to, or send the file as base64 \"content\"");
        }
        Path requested = requestedPath(field, pathText);
        List<Path> allowed = allowedDirsWithRealPaths();
        if (!isInside(requested.normalize(), allowed)) {
            throw outside(field, pathText, null);
        }
        Path real = realPath(field, pathText, requested);
        if (!isInside(real, allowed)) {
            throw outside(field, pathText, real);
        }
        if (!Files.isRegularFile(real)) {
            throw new InvalidMessageException("attachment is not a file: \"" + pathText + "\" (" + field + ") is a "
                    + "directory or device; name a regular file");
        }
        try {
            long size = Files.size(real);
            if (size > maxBytes) {
                throw new InvalidMessageException("attachment too large: \"" + pathText + "\" (" + field + ") is "
                        + size + " bytes, more than the " + maxBytes + " bytes left under the message size limit; "
                        + "send a smaller file, or raise " + RelayKeys.INTAKE_MAX_SIZE
                        + " if the mail provider accepts larger messages");
            }
            return Files.readAllBytes(real);
        } catch (IOException e) {
            throw unreadable(field, pathText, e);
        }
    }

    private Path requestedPath(String field, String pathText) throws InvalidMessageException {
        Path requested;
        try {
            requested = Path.of(pathText);
        } catch (InvalidPathException e) {
            throw new InvalidMessageException("invalid attachment path \"" + pathText + "\" (" + field + "): "
                    + e.getReason() + "; give the full path of the file", e);
        }
        if (!requested.isAbsolute()) {
            throw new InvalidMessageException("attachment path must be absolute: \"" + pathText + "\" (" + field
                    + ") is relative; give the full path of a file inside one of the allowed attachment "
                    + "directories " + describe(allowedDirs) + " (" + RelayKeys.INTAKE_ATTACHMENT_DIRS + ")");
        }
        return requested;
    }

    private static Path realPath(String field, String pathText, Path requested) throws InvalidMessageException {
        try {
            return requested.toRealPath();
        } catch (NoSuchFileException e) {
            throw new InvalidMessageException("attachment file not found: \"" + pathText + "\" (" + field + "); "
                    + "check the path, and write the attachment before the message that names it", e);
        } catch (IOException e) {
            throw unreadable(field, pathText, e);
        }
    }

    /** The configured directories as written and, where they exist, as real paths (they may be links themselves). */
    private List<Path> allowedDirsWithRealPaths() {
        List<Path> dirs = new ArrayList<>(allowedDirs);
        for (Path dir : allowedDirs) {
            try {
                dirs.add(dir.toRealPath());
            } catch (IOException e) {
                // A configured directory that does not exist allows nothing; the other ones still count.
            }
        }
        return dirs;
    }

    private static boolean isInside(Path path, List<Path> dirs) {
        return dirs.stream().anyMatch(path::startsWith);
    }

    private InvalidMessageException outside(String field, String pathText, Path real) {
        String resolved = real == null ? "" : " resolves to " + real + ", which";
        return new InvalidMessageException("attachment path not allowed: \"" + pathText + "\" (" + field + ")"
                + resolved + " is outside the allowed attachment directories " + describe(allowedDirs)
                + "; put the file in one of them, or add its directory to " + RelayKeys.INTAKE_ATTACHMENT_DIRS);
    }

    private static InvalidMessageException unreadable(String field, String pathText, IOException e) {
        return new InvalidMessageException("attachment file cannot be read: \"" + pathText + "\" (" + field + "): "
                + e.getClass().getSimpleName() + "; check that the relay's user may read it", e);
    }

    private static String describe(List<Path> dirs) {
        return dirs.stream().map(Path::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
