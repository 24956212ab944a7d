package dev.oauthsmtprelay.send;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Puts a message file into the spool the way every producer should: written under a dot-name the
 * intake ignores, then renamed atomically, so the relay never reads a half-written file.
 */
public final class SpoolWriter {

    private final Path spoolDir;

    public SpoolWriter(Path spoolDir) {
        this.spoolDir = spoolDir;
    }

    /** @return the file as the intake will see it */
    public Path write(String name, byte[] content) throws IOException {
        Files.createDirectories(spoolDir);
        Path temp = spoolDir.resolve("." + name + ".tmp");
        try {
            Files.write(temp, content);
            return Files.move(temp, spoolDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
