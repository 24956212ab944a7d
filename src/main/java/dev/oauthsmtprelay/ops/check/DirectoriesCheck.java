package dev.oauthsmtprelay.ops.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The relay must be able to create files in the spool and data directories. */
final class DirectoriesCheck implements RelayCheck {

    @Override
    public List<CheckResult> run(CheckContext context) {
        return List.of(writable("spool directory (relay.spool.dir)", context.settings().spoolDir()),
                writable("data directory (relay.data.dir)", context.settings().dataDir()));
    }

    private static CheckResult writable(String subject, Path directory) {
        Path absolute = directory.toAbsolutePath();
        try {
            Files.createDirectories(absolute);
            Path probe = Files.createTempFile(absolute, ".check-", ".tmp");
            Files.delete(probe);
            return CheckResult.pass(subject, absolute + " is writable");
        } catch (IOException | SecurityException e) {
            return CheckResult.fail(subject, absolute + " is not writable (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", "Create the directory and give the relay's user write access, e.g. "
                    + "chown relay " + absolute + " && chmod 700 " + absolute + ", or point the key elsewhere.");
        }
    }
}
