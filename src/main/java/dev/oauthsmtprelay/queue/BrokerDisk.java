package dev.oauthsmtprelay.queue;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The state of the embedded broker's disk, for telling an administrator why messages cannot be queued: full (over
 * {@code relay.broker.max-disk-usage}, so Artemis refuses new messages) or the broker stopped (Artemis stops itself
 * after an I/O error on its journal). Both are always false for an external broker.
 */
public final class BrokerDisk {

    private final RelayBroker broker;

    public BrokerDisk(RelayBroker broker) {
        this.broker = broker;
    }

    /** True while the embedded broker refuses new messages because its file system is over the limit. */
    public boolean full() {
        Optional<EmbeddedBroker> embedded = broker.embeddedBroker();
        try {
            return embedded.isPresent() && embedded.get().isStarted()
                    && embedded.get().server().getPagingManager().isDiskFull();
        } catch (IllegalStateException stoppedMeanwhile) {
            return false;
        }
    }

    /** True when this relay runs an embedded broker and that broker is not running. */
    public boolean stopped() {
        return broker.embeddedBroker().map(b -> !b.isStarted()).orElse(false);
    }

    /** The broker directory, {@code relay.data.dir/broker}. */
    public Path directory() {
        return broker.settings().brokerDir().toAbsolutePath().normalize();
    }

    public int maxUsagePercent() {
        return broker.settings().diskLimits().maxUsagePercent();
    }

    /** For example {@code 46.2 MB of 48.0 MB used (96%)}; the nearest existing parent is measured. */
    public String usage() {
        Path dir = directory();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return "usage unknown";
        }
        try {
            FileStore store = Files.getFileStore(dir);
            long total = store.getTotalSpace();
            long used = total - store.getUsableSpace();
            return String.format(Locale.ROOT, "%.1f MB of %.1f MB used (%d%%)", used / 1e6, total / 1e6,
                    total == 0 ? 0 : Math.round(100.0 * used / total));
        } catch (IOException e) {
            return "usage unknown: " + e.getMessage();
        }
    }
}
