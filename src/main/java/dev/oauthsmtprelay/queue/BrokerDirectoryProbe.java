package dev.oauthsmtprelay.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the broker directory can take a broker start: room for one more journal file (Artemis creates its journal
 * files at full size) and a small file written, synced to disk and removed.
 */
final class BrokerDirectoryProbe {

    private static final String PROBE_FILE = ".relay-write-probe";
    private static final int PROBE_BYTES = 4096;

    private final Path directory;
    private final long neededBytes;

    BrokerDirectoryProbe(Path directory, long neededBytes) {
        this.directory = directory;
        this.neededBytes = neededBytes;
    }

    /** Why the broker cannot start there now; empty when it can. */
    Optional<String> obstacle() {
        try {
            long usable = Files.getFileStore(directory).getUsableSpace();
            if (usable < neededBytes) {
                return Optional.of(String.format(Locale.ROOT, "%.1f MB free in %s, a journal file needs %.1f MB",
                        usable / 1e6, directory, neededBytes / 1e6));
            }
            Path probe = directory.resolve(PROBE_FILE);
            try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.allocate(PROBE_BYTES));
                channel.force(true);
            } finally {
                Files.deleteIfExists(probe);
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot write to " + directory + ": " + e);
        }
    }
}
