package dev.oauthsmtprelay.queue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;

/**
 * Where the relay's durable queue lives and how it redelivers.
 *
 * <ul>
 *   <li>{@code dataDir} – {@code relay.data.dir}; the embedded broker keeps its journal, bindings, paging and large
 *       messages under {@code dataDir/broker}.</li>
 *   <li>{@code externalUrl} – {@code relay.broker.url} (for example {@code tcp://mq1:61616} or a failover list
 *       {@code (tcp://mq1:61616,tcp://mq2:61616)}); when set, no embedded broker is started.</li>
 *   <li>{@code user} / {@code password} – credentials for the external broker; when set together with an embedded
 *       broker, the embedded broker requires them too (see {@link EmbeddedBroker}).</li>
 *   <li>{@code listenUrl} – {@code relay.broker.listen} (for example {@code tcp://0.0.0.0:61616}): the embedded
 *       broker additionally opens this TCP acceptor so other relay instances can share it. Default: in-VM only.</li>
 *   <li>{@code deliveryQueue} / {@code deadLetterQueue} – {@code relay.broker.delivery-queue} and
 *       {@code relay.broker.dead-letter-queue}.</li>
 *   <li>redelivery back-off applied by the broker after a rollback: {@code redeliveryDelay} multiplied by
 *       {@code redeliveryMultiplier} per further attempt, capped at {@code maxRedeliveryDelay}
 *       ({@code relay.broker.redelivery-delay}, {@code -multiplier}, {@code max-redelivery-delay}).</li>
 *   <li>{@code maxSizeBytes} – global max size of messages held in memory (256 MB); beyond it the broker pages
 *       to disk.</li>
 *   <li>{@code diskLimits} – how full the embedded broker may make its file system before it refuses new messages
 *       (see {@link DiskLimits}).</li>
 * </ul>
 */
public record BrokerSettings(
        Path dataDir,
        Optional<String> externalUrl,
        Optional<String> user,
        Optional<String> password,
        Optional<String> listenUrl,
        String deliveryQueue,
        String deadLetterQueue,
        Duration redeliveryDelay,
        double redeliveryMultiplier,
        Duration maxRedeliveryDelay,
        long maxSizeBytes,
        DiskLimits diskLimits,
        int journalBufferMicros) {

    public static final long DEFAULT_MAX_SIZE_BYTES = 256L * 1024 * 1024;

    public BrokerSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        externalUrl = clean(externalUrl, "externalUrl");
        user = clean(user, "user");
        password = Objects.requireNonNull(password, "password").filter(p -> !p.isEmpty());
        listenUrl = clean(listenUrl, "listenUrl");
        deliveryQueue = requireName(deliveryQueue, "deliveryQueue");
        deadLetterQueue = requireName(deadLetterQueue, "deadLetterQueue");
        if (deliveryQueue.equals(deadLetterQueue)) {
            throw new IllegalArgumentException("the delivery queue and the dead-letter queue must differ (both are '"
                    + deliveryQueue + "')");
        }
        Objects.requireNonNull(redeliveryDelay, "redeliveryDelay");
        Objects.requireNonNull(maxRedeliveryDelay, "maxRedeliveryDelay");
        if (redeliveryDelay.isNegative()) {
            throw new IllegalArgumentException("redeliveryDelay must not be negative: " + redeliveryDelay);
        }
        if (maxRedeliveryDelay.compareTo(redeliveryDelay) < 0) {
            throw new IllegalArgumentException("maxRedeliveryDelay (" + maxRedeliveryDelay
                    + ") must not be shorter than redeliveryDelay (" + redeliveryDelay + ")");
        }
        if (!(redeliveryMultiplier >= 1.0) || Double.isInfinite(redeliveryMultiplier)) {
            throw new IllegalArgumentException("redeliveryMultiplier must be >= 1.0: " + redeliveryMultiplier);
        }
        Objects.requireNonNull(diskLimits, "diskLimits");
        if (journalBufferMicros < 1) {
            throw new IllegalArgumentException("journalBufferMicros must be positive: " + journalBufferMicros);
        }
        if (maxSizeBytes <= 0) {
            throw new IllegalArgumentException("maxSizeBytes must be positive: " + maxSizeBytes);
        }
        if (externalUrl.isPresent() && listenUrl.isPresent()) {
            throw new IllegalArgumentException(RelayKeys.BROKER_URL + " and " + RelayKeys.BROKER_LISTEN
                    + " exclude each other: "
                    + "either this instance runs the broker (listen) or it uses another one (url)");
        }
    }

    /** The table's defaults: embedded, in-VM only broker under {@code dataDir/broker}, no credentials. */
    public static BrokerSettings defaults(Path dataDir) {
        return new BrokerSettings(dataDir, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                RelayKeys.BROKER_DELIVERY_QUEUE.defaultValue(), RelayKeys.BROKER_DEAD_LETTER_QUEUE.defaultValue(),
                RelayKeys.BROKER_REDELIVERY_DELAY.defaultValue(), RelayKeys.BROKER_REDELIVERY_MULTIPLIER.defaultValue(),
                RelayKeys.BROKER_MAX_REDELIVERY_DELAY.defaultValue(), DEFAULT_MAX_SIZE_BYTES, DiskLimits.defaults(),
                RelayKeys.BROKER_JOURNAL_BUFFER_TIMEOUT.defaultValue());
    }

    /** What {@code relay.data.dir} and {@code relay.broker.*} say. */
    public static BrokerSettings from(RelaySettings settings) {
        return new BrokerSettings(settings.dataDir(), settings.optional(RelayKeys.BROKER_URL),
                settings.optional(RelayKeys.BROKER_USER),
                settings.optional(RelayKeys.BROKER_USER).flatMap(user -> settings.optional(RelayKeys.BROKER_PASSWORD)),
                settings.optional(RelayKeys.BROKER_LISTEN), settings.get(RelayKeys.BROKER_DELIVERY_QUEUE),
                settings.get(RelayKeys.BROKER_DEAD_LETTER_QUEUE), settings.get(RelayKeys.BROKER_REDELIVERY_DELAY),
                settings.get(RelayKeys.BROKER_REDELIVERY_MULTIPLIER),
                settings.get(RelayKeys.BROKER_MAX_REDELIVERY_DELAY),
                DEFAULT_MAX_SIZE_BYTES, new DiskLimits(settings.get(RelayKeys.BROKER_MAX_DISK_USAGE),
                        settings.get(RelayKeys.BROKER_DISK_SCAN_PERIOD)),
                settings.get(RelayKeys.BROKER_JOURNAL_BUFFER_TIMEOUT));
    }

    /** The directory the embedded broker writes to: {@code dataDir/broker}. */
    public Path brokerDir() {
        return dataDir.resolve("broker");
    }

    /** True when no {@link #externalUrl()} is configured, i.e. this instance runs its own broker. */
    public boolean embedded() {
        return externalUrl.isEmpty();
    }

    public BrokerSettings withExternalUrl(String url) {
        return new BrokerSettings(dataDir, Optional.ofNullable(url), user, password, listenUrl, deliveryQueue,
                deadLetterQueue, redeliveryDelay, redeliveryMultiplier, maxRedeliveryDelay, maxSizeBytes, diskLimits,
                journalBufferMicros);
    }

    public BrokerSettings withCredentials(String user, String password) {
        return new BrokerSettings(dataDir, externalUrl, Optional.ofNullable(user), Optional.ofNullable(password),
                listenUrl, deliveryQueue, deadLetterQueue, redeliveryDelay, redeliveryMultiplier, maxRedeliveryDelay,
                maxSizeBytes, diskLimits, journalBufferMicros);
    }

    public BrokerSettings withListenUrl(String url) {
        return new BrokerSettings(dataDir, externalUrl, user, password, Optional.ofNullable(url), deliveryQueue,
                deadLetterQueue, redeliveryDelay, redeliveryMultiplier, maxRedeliveryDelay, maxSizeBytes, diskLimits,
                journalBufferMicros);
    }

    public BrokerSettings withQueues(String deliveryQueue, String deadLetterQueue) {
        return new BrokerSettings(dataDir, externalUrl, user, password, listenUrl, deliveryQueue, deadLetterQueue,
                redeliveryDelay, redeliveryMultiplier, maxRedeliveryDelay, maxSizeBytes, diskLimits,
                journalBufferMicros);
    }

    public BrokerSettings withRedelivery(Duration delay, double multiplier, Duration maxDelay) {
        return new BrokerSettings(dataDir, externalUrl, user, password, listenUrl, deliveryQueue, deadLetterQueue,
                delay, multiplier, maxDelay, maxSizeBytes, diskLimits, journalBufferMicros);
    }

    public BrokerSettings withMaxSizeBytes(long bytes) {
        return new BrokerSettings(dataDir, externalUrl, user, password, listenUrl, deliveryQueue, deadLetterQueue,
                redeliveryDelay, redeliveryMultiplier, maxRedeliveryDelay, bytes, diskLimits, journalBufferMicros);
    }

    public BrokerSettings withDiskLimits(DiskLimits limits) {
        return new BrokerSettings(dataDir, externalUrl, user, password, listenUrl, deliveryQueue, deadLetterQueue,
                redeliveryDelay, redeliveryMultiplier, maxRedeliveryDelay, maxSizeBytes, limits, journalBufferMicros);
    }

    public BrokerSettings withJournalBufferMicros(int micros) {
        return new BrokerSettings(dataDir, externalUrl, user, password, listenUrl, deliveryQueue, deadLetterQueue,
                redeliveryDelay, redeliveryMultiplier, maxRedeliveryDelay, maxSizeBytes, diskLimits, micros);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "BrokerSettings[dataDir=" + dataDir + ", externalUrl=" + externalUrl.orElse("-") + ", user="
                + user.orElse("-") + ", password=" + (password.isPresent() ? "****" : "-") + ", listenUrl="
                + listenUrl.orElse("-") + ", deliveryQueue=" + deliveryQueue + ", deadLetterQueue=" + deadLetterQueue
                + ", redeliveryDelay=" + redeliveryDelay + ", redeliveryMultiplier=" + redeliveryMultiplier
                + ", maxRedeliveryDelay=" + maxRedeliveryDelay + ", maxSizeBytes=" + maxSizeBytes + ", " + diskLimits
                + ", journalBufferMicros=" + journalBufferMicros + "]";
    }

    private static Optional<String> clean(Optional<String> value, String name) {
        return Objects.requireNonNull(value, name).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static String requireName(String name, String what) {
        Objects.requireNonNull(name, what);
        String trimmed = name.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return trimmed;
    }

    /** Where held messages wait ({@code queue hold}): no route consumes it. */
    /** Receipts waiting to be sent back to JMS producers: {@code <delivery queue>.receipts}. */
    public String receiptsQueue() {
        return deliveryQueue + ".receipts";
    }

    public String holdQueue() {
        return deliveryQueue + ".hold";
    }
}
