package dev.oauthsmtprelay.app.send;

import java.io.IOException;
import java.nio.file.Path;

import dev.oauthsmtprelay.message.AtomicFiles;

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
        Path target = spoolDir.resolve(name);
        AtomicFiles.write(target, content);
        return target;
    }
}
