package dev.oauthsmtprelay.intake.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.GenericFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a spool file that is not a valid message to {@code <spool>/.error/} and writes
 * {@code <name>.reason.txt} beside it. The file is kept as it was; a later file with the same name
 * gets a numbered name instead of overwriting it.
 */
public final class SpoolRejection implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolRejection.class);
    public static final String ERROR_DIR = ".error";

    private final Clock clock;

    public SpoolRejection(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        GenericFile<?> file = exchange.getProperty(FileComponent.FILE_EXCHANGE_FILE, GenericFile.class);
        Path source = Path.of(file.getAbsoluteFilePath());
        Path errorDir = source.resolveSibling(ERROR_DIR);
        Files.createDirectories(errorDir);
        Path target = unusedName(errorDir, source.getFileName().toString());
        // A rename within one file system needs no free space, so a full disk cannot make the file disappear.
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        String reason = cause == null ? "unknown problem" : cause.getMessage();
        Path reasonFile = errorDir.resolve(target.getFileName() + ".reason.txt");
        try {
            Files.writeString(reasonFile,
                    "file: " + source.getFileName() + "\nrejected: " + clock.instant() + "\nreason: " + reason + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            deleteQuietly(reasonFile);
            LOG.warn("Rejected spool file {}: {} (moved to {}). The reason could not be written to {} ({}), so this "
                    + "line is its only record; free space on the spool's file system.", source.getFileName(), reason,
                    target, reasonFile.getFileName(), e.getMessage());
            return;
        }
        LOG.warn("Rejected spool file {}: {} (moved to {})", source.getFileName(), reason, target);
    }

    /** A half-written reason would look complete; none tells the administrator to look at the log. */
    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the warning that follows says the reason file is missing
        }
    }

    private static Path unusedName(Path dir, String name) {
        Path candidate = dir.resolve(name);
        for (int n = 1; Files.exists(candidate); n++) {
            candidate = dir.resolve(name + "." + n);
        }
        return candidate;
    }
}
