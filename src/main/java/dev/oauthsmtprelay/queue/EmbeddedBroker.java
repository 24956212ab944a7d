package dev.oauthsmtprelay.queue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.io.aio.AIOSequentialFileFactory;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMRegistry;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.settings.impl.DiskFullMessagePolicy;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's own ActiveMQ Artemis broker, configured in code (no {@code broker.xml}) with its journal under
 * {@code relay.data.dir/broker}.
 *
 * <p>What it sets up:
 * <ul>
 *   <li>persistence on; journal, bindings, paging and large messages in {@code journal/}, {@code bindings/},
 *       {@code paging/}, {@code large-messages/} below the broker directory; Artemis's {@code server.lock} and the
 *       relay's {@code relay-instance.lock} directly in it;</li>
 *   <li>an in-VM acceptor {@code vm://<serverId>} with a server id unique in this JVM (see {@link #inVmUrl()}),
 *       plus the optional TCP acceptor from {@link BrokerSettings#listenUrl()};</li>
 *   <li>the delivery queue and the dead-letter queue as durable ANYCAST queues, created at start;</li>
 *   <li>address settings for the delivery queue: redelivery delay, multiplier and max delay from the settings,
 *       max-delivery-attempts -1 (unlimited: the relay dead-letters by message age itself), dead-letter and expiry
 *       address = the dead-letter queue; for every other address ({@code #}): dead-letter and expiry address = the
 *       dead-letter queue too, so nothing is ever dropped; for the dead-letter queue: unlimited attempts and no
 *       expiry;</li>
 *   <li>persist-delivery-count-before-delivery, so the delivery count (and with it the back-off) survives a crash
 *       or restart;</li>
 *   <li>the global max size; beyond it addresses page to disk;</li>
 *   <li>the disk limit from {@link BrokerSettings#diskLimits()}; above it every address <em>fails</em> new messages
 *       at once (Artemis's default is to block the producer until there is room, which would leave a spool intake
 *       thread waiting without telling anyone);</li>
 *   <li>security off, unless {@link BrokerSettings#user()} and {@link BrokerSettings#password()} are set: then the
 *       broker accepts only that user, on the in-VM and the TCP acceptor alike;</li>
 *   <li>no JMX, no {@code broker.properties} from the classpath.</li>
 * </ul>
 *
 * <p>{@link #start()} first takes an exclusive lock on the broker directory and fails at once with
 * {@code another relay instance is using <dir>; ...} when another process (or another broker in this JVM) uses it;
 * Artemis itself would wait for its journal lock forever. The broker can be stopped and started again; the in-VM
 * URL stays the same. After a critical I/O error on its journal Artemis stops itself; {@link JournalFailureRecovery}
 * starts it again once the directory can take it.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** In-VM server ids handed out in this JVM. Artemis keeps in-VM acceptors in a JVM-wide registry by id. */
    private static final AtomicInteger NEXT_SERVER_ID = new AtomicInteger();

    /** Safety net only: the relay's own directory lock is checked before Artemis looks at its lock. */
    private static final long ARTEMIS_LOCK_TIMEOUT_MS = 5_000;
    private static final long IDLE_TIMER_PERIOD_MS = 30_000;
    private static final long CONNECTION_TTL_CHECK_MS = 10_000;

    private final BrokerSettings settings;
    private final int serverId;
    private final Path brokerDir;
    private final List<Consumer<String>> fatalErrorListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> failureStopListeners = new CopyOnWriteArrayList<>();
    // not the broker's monitor: Artemis reports a journal failure from its own threads, which a stop waits for
    private final Object recoveryLock = new Object();
    private volatile EmbeddedActiveMQ artemis;
    private DirectoryLock directoryLock;
    private JournalFailureRecovery recovery;
    private volatile int restarts;
    private long restartedAt;

    /** Prepares a broker for {@code settings} (which must not name an external broker); does not start it. */
    public EmbeddedBroker(BrokerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (!settings.embedded()) {
            throw new IllegalArgumentException("relay.broker.url is set (" + settings.externalUrl().get()
                    + "): no embedded broker is started for an external broker");
        }
        this.serverId = allocateServerId();
        this.brokerDir = settings.brokerDir().toAbsolutePath().normalize();
    }

    /** Creates and starts a broker: {@code new EmbeddedBroker(settings).start()}. */
    public static EmbeddedBroker start(BrokerSettings settings) {
        EmbeddedBroker broker = new EmbeddedBroker(settings);
        broker.start();
        return broker;
    }

    /**
     * Starts the broker (no-op when running).
     *
     * @throws BrokerException when the directory is used by another instance or not writable, or Artemis fails
     */
    public synchronized EmbeddedBroker start() {
        if (artemis != null) {
            return this;
        }
        long started = System.nanoTime();
        DirectoryLock lock = DirectoryLock.acquire(brokerDir);
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        try {
            server.setConfiguration(configuration(lock.directory()));
            server.setSecurityManager(securityManager());
            server.setPropertiesResourcePath(null);
            server.start();
            if (!server.getActiveMQServer().waitForActivation(ARTEMIS_LOCK_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new BrokerException(DirectoryLock.inUseMessage(lock.directory(), "Artemis did not get its "
                        + "journal lock within " + ARTEMIS_LOCK_TIMEOUT_MS + " ms"));
            }
        } catch (BrokerException e) {
            stopQuietly(server);
            lock.close();
            throw e;
        } catch (Exception e) {
            stopQuietly(server);
            lock.close();
            throw new BrokerException("the embedded broker in " + lock.directory() + " did not start: " + e, e);
        }
        this.artemis = server;
        this.directoryLock = lock;
        long journalFileSize = server.getConfiguration().getJournalFileSize();
        // Artemis stops itself after a critical journal error and stays stopped; the recovery starts it again
        server.getActiveMQServer().registerIOCriticalErrorListener((cause, message, file) ->
                journalFailed("The embedded broker in " + lock.directory() + " stopped after a critical I/O error on "
                        + "its journal" + (file == null ? "" : " (" + file + ")") + ": " + (message != null ? message
                        : String.valueOf(cause)), journalFileSize));
        LOG.info("Embedded Artemis broker started in {} ms: journal {} ({}), {}{}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), lock.directory(),
                server.getConfiguration().getJournalType(), inVmUrl(),
                settings.listenUrl().map(url -> ", listening on " + url).orElse(""));
        return this;
    }

    /**
     * {@code listener} is told, with the reason and the fix, when the broker stopped by itself because its journal
     * failed and cannot be started again ({@link JournalFailureRecovery}). A relay run as a process exits (app/cli).
     */
    public void onFatalError(Consumer<String> listener) {
        fatalErrorListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void fatalError(String reason) {
        for (Consumer<String> listener : fatalErrorListeners) {
            try {
                listener.accept(reason);
            } catch (RuntimeException e) {
                LOG.warn("A listener for the broker's fatal error failed: {}", e.toString());
            }
        }
    }

    /**
     * {@code listener} runs once Artemis has finished stopping after a journal failure, before the broker is started
     * again: an in-VM client does not notice that its broker stopped, so calls waiting for an answer would wait for
     * Artemis's call timeout (30 s) unless their connections are failed.
     */
    public void onStoppedByFailure(Runnable listener) {
        failureStopListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void stoppedByFailure() {
        for (Runnable listener : failureStopListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("A listener for the broker's stop failed: {}", e.toString());
            }
        }
    }

    private void journalFailed(String reason, long journalFileSize) {
        synchronized (recoveryLock) {
            if (recovery != null) {
                return; // Artemis reports each failed write; one recovery for all of them
            }
            Optional<Duration> sinceRestart = restarts == 0 ? Optional.empty()
                    : Optional.of(Duration.ofNanos(System.nanoTime() - restartedAt));
            recovery = new JournalFailureRecovery(this, new BrokerDirectoryProbe(brokerDir, journalFileSize),
                    settings.diskLimits().scanPeriod(), this::fatalError);
            recovery.begin(reason, sinceRestart);
        }
    }

    /** True when Artemis has finished stopping (or was never started). */
    boolean artemisStopped() {
        EmbeddedActiveMQ server = artemis;
        return server == null || server.getActiveMQServer() == null
                || server.getActiveMQServer().getState() == ActiveMQServer.SERVER_STATE.STOPPED;
    }

    /**
     * Stops what is left of the failed broker and starts it again, unless the relay stopped it meanwhile.
     *
     * @return false when {@code by} no longer applies (the relay stopped the broker)
     * @throws BrokerException when the broker does not start
     */
    synchronized boolean restartAfterFailure(JournalFailureRecovery by) {
        synchronized (recoveryLock) {
            if (by.cancelled() || recovery != by) {
                return false;
            }
            // before the start: a failure as soon as it runs must find no recovery under way, and a recent restart
            restarts++;
            restartedAt = System.nanoTime();
            recovery = null;
        }
        stopArtemis();
        start();
        return true;
    }

    /** How often the relay started the broker again after a journal failure since this object was created. */
    public int restarts() {
        return restarts;
    }

    /** Stops the broker and releases the directory (no-op when stopped). It can be started again. */
    public void stop() {
        synchronized (recoveryLock) {
            if (recovery != null) {
                recovery.cancel();
                recovery = null;
            }
        }
        stopArtemis();
    }

    private synchronized void stopArtemis() {
        if (artemis == null) {
            return;
        }
        long stopping = System.nanoTime();
        try {
            artemis.stop();
            LOG.info("Embedded Artemis broker stopped in {} ms: journal {} closed",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping), brokerDir);
        } catch (Exception e) {
            LOG.warn("Stopping the embedded broker in {} failed: {}", brokerDir, e.toString());
        } finally {
            artemis = null;
            directoryLock.close();
            directoryLock = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isStarted() {
        EmbeddedActiveMQ server = artemis;
        return server != null && server.getActiveMQServer().isActive();
    }

    /** The URL of the in-VM acceptor, {@code vm://<serverId>}; only clients in this JVM can use it. */
    public String inVmUrl() {
        return "vm://" + serverId;
    }

    /** The in-VM server id, unique among the embedded brokers of this JVM and stable across restarts. */
    public int serverId() {
        return serverId;
    }

    /** {@code dataDir/broker}, absolute. */
    public Path brokerDir() {
        return brokerDir;
    }

    public BrokerSettings settings() {
        return settings;
    }

    /** The running Artemis server, for diagnostics and tests (queue depth, address settings). */
    public ActiveMQServer server() {
        EmbeddedActiveMQ server = artemis;
        if (server == null) {
            throw new IllegalStateException("the embedded broker is not running");
        }
        return server.getActiveMQServer();
    }

    /** Number of messages in the queue (including scheduled ones and those being delivered). */
    public long messageCount(String queue) {
        org.apache.activemq.artemis.core.server.Queue q = server().locateQueue(queue);
        if (q == null) {
            throw new IllegalArgumentException("no queue " + queue);
        }
        return q.getMessageCount();
    }

    Configuration configuration(Path dir) throws Exception {
        Configuration config = new ConfigurationImpl()
                .setName("relay-broker-" + serverId)
                .setPersistenceEnabled(true)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(dir.toString())
                .setJournalType(journalType(dir))
                // Artemis's NIO default, 3.33 ms, made every intake send wait that long for its sync (see the key)
                .setJournalBufferTimeout_NIO(settings.journalBufferMicros() * 1_000)
                .setJournalBufferTimeout_AIO(settings.journalBufferMicros() * 1_000)
                .setJournalLockAcquisitionTimeout(ARTEMIS_LOCK_TIMEOUT_MS)
                .setSecurityEnabled(settings.user().isPresent())
                .setJMXManagementEnabled(false)
                .setPersistDeliveryCountBeforeDelivery(true)
                .setGlobalMaxSize(settings.maxSizeBytes())
                // Artemis counts 100 % as over 100 %: -1 is its "no check"
                .setMaxDiskUsage(settings.diskLimits().maxUsagePercent() >= 100 ? -1
                        : settings.diskLimits().maxUsagePercent())
                .setDiskScanPeriod((int) settings.diskLimits().scanPeriod().toMillis())
                // Artemis's own timers were a third of an idle relay's CPU (bench/README.md, "The idle relay"). The
                // relay has no broker configuration file to reload and no network check list, and a transaction
                // times out after 5 minutes, so a scan every second finds nothing the scan every 30 s would not.
                .setConfigurationFileRefreshPeriod(IDLE_TIMER_PERIOD_MS)
                .setNetworkCheckPeriod(IDLE_TIMER_PERIOD_MS)
                .setTransactionTimeoutScanPeriod(IDLE_TIMER_PERIOD_MS)
                // Dead TCP clients (other relay instances) are still found once their 60 s connection TTL is over,
                // within 10 s instead of 2 s; in-VM connections are not pinged at all (BrokerConnectionFactories).
                .setConnectionTtlCheckInterval(CONNECTION_TTL_CHECK_MS);
        config.addAcceptorConfiguration("invm", inVmUrl());
        if (settings.listenUrl().isPresent()) {
            config.addAcceptorConfiguration("tcp", settings.listenUrl().get());
        }

        SimpleString deadLetters = SimpleString.of(settings.deadLetterQueue());
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(deadLetters)
                .setExpiryAddress(deadLetters)
                .setAutoCreateDeadLetterResources(false)
                .setAutoCreateExpiryResources(false)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setDiskFullMessagePolicy(DiskFullMessagePolicy.FAIL));
        config.addAddressSetting(settings.deliveryQueue(), new AddressSettings()
                .setRedeliveryDelay(settings.redeliveryDelay().toMillis())
                .setRedeliveryMultiplier(settings.redeliveryMultiplier())
                .setMaxRedeliveryDelay(settings.maxRedeliveryDelay().toMillis())
                .setMaxDeliveryAttempts(-1)
                .setDeadLetterAddress(deadLetters)
                .setExpiryAddress(deadLetters)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setDiskFullMessagePolicy(DiskFullMessagePolicy.FAIL));
        // a receipt that cannot be sent yet is tried again and again, never dropped
        config.addAddressSetting(settings.receiptsQueue(), new AddressSettings()
                .setRedeliveryDelay(settings.redeliveryDelay().toMillis())
                .setRedeliveryMultiplier(settings.redeliveryMultiplier())
                .setMaxRedeliveryDelay(settings.maxRedeliveryDelay().toMillis())
                .setMaxDeliveryAttempts(-1)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setDiskFullMessagePolicy(DiskFullMessagePolicy.FAIL));
        config.addAddressSetting(settings.deadLetterQueue(), new AddressSettings()
                .setMaxDeliveryAttempts(-1)
                .setNoExpiry(true)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setDiskFullMessagePolicy(DiskFullMessagePolicy.FAIL));

        config.addQueueConfiguration(durableQueue(settings.deliveryQueue()));
        config.addQueueConfiguration(durableQueue(settings.deadLetterQueue()));
        config.addQueueConfiguration(durableQueue(settings.holdQueue()));
        config.addQueueConfiguration(durableQueue(settings.receiptsQueue()));
        return config;
    }

    private static QueueConfiguration durableQueue(String name) {
        return QueueConfiguration.of(name)
                .setAddress(name)
                .setRoutingType(RoutingType.ANYCAST)
                .setDurable(true);
    }

    private ActiveMQSecurityManager securityManager() {
        if (settings.user().isPresent()) {
            return new SingleUserSecurityManager(settings.user().get(), settings.password().orElse(""));
        }
        if (settings.listenUrl().isPresent()) {
            LOG.warn("The embedded broker listens on {} without authentication: anyone who can reach it can read and "
                    + "inject mail. Set relay.broker.user and relay.broker.password.", settings.listenUrl().get());
        }
        // security is disabled in the configuration; this manager is never asked
        return new SingleUserSecurityManager("", "");
    }

    /** Linux libaio when the native library works on this file system (not tmpfs), NIO otherwise. */
    private static JournalType journalType(Path dir) {
        try {
            if (AIOSequentialFileFactory.isSupported() && AIOSequentialFileFactory.isSupported(dir.toFile())) {
                return JournalType.ASYNCIO;
            }
        } catch (Throwable e) {
            // native library missing or incompatible: NIO is always available
        }
        return JournalType.NIO;
    }

    private static int allocateServerId() {
        while (true) {
            int id = NEXT_SERVER_ID.getAndIncrement();
            if (InVMRegistry.instance.getAcceptor(id) == null) {
                return id;
            }
        }
    }

    private static void stopQuietly(EmbeddedActiveMQ server) {
        try {
            if (server.getActiveMQServer() != null) {
                server.stop();
            }
        } catch (Exception ignored) {
            // best effort after a failed start
        }
    }

    @Override
    public String toString() {
        return "EmbeddedBroker[" + inVmUrl() + ", " + brokerDir + "]";
    }
}
