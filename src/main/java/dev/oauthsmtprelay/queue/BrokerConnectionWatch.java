package dev.oauthsmtprelay.queue;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.api.core.client.FailoverEventType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which broker of an external broker URL the relay is connected to, and how often its connection failed over: one
 * connection of the relay's own factory (same URL, HA and reconnect settings as the routes' connections) that listens
 * for Artemis's failover events. It connects in the background, so a relay started before its broker still starts.
 */
final class BrokerConnectionWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerConnectionWatch.class);
    private static final long CONNECT_RETRY_MS = 2_000;

    private final ActiveMQConnectionFactory factory;
    private final AtomicInteger failovers = new AtomicInteger();
    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "relay-broker-watch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile ActiveMQConnection connection;
    private volatile boolean failing;

    BrokerConnectionWatch(ActiveMQConnectionFactory factory) {
        this.factory = factory;
    }

    void start() {
        connector.execute(this::connect);
    }

    private void connect() {
        try {
            Connection opened = factory.createConnection();
            ActiveMQConnection artemis = (ActiveMQConnection) opened;
            artemis.setFailoverListener(this::onEvent);
            connection = artemis;
            LOG.info("Connected to the broker at {}", connectedTo().orElse("?"));
        } catch (JMSException | RuntimeException e) {
            connector.schedule(this::connect, CONNECT_RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void onEvent(FailoverEventType event) {
        switch (event) {
            case FAILURE_DETECTED -> {
                failing = true;
                LOG.warn("Lost the connection to the broker; the relay reconnects by itself (to the backup when the "
                        + "broker URL names one). Messages stay in the queue; intake and delivery wait meanwhile.");
            }
            case FAILOVER_COMPLETED -> {
                failing = false;
                LOG.info("Reconnected to the broker at {} (failover {} since the relay started).",
                        connectedTo().orElse("?"), failovers.incrementAndGet());
            }
            case FAILOVER_FAILED -> LOG.error("Could not reconnect to any broker of the broker URL; the relay keeps "
                    + "trying. Check that the brokers run.");
        }
    }

    /** The address of the broker the watch's connection is connected to, empty while it is not. */
    Optional<String> connectedTo() {
        ActiveMQConnection current = connection;
        if (current == null || failing || current.getSessionFactory() == null
                || current.getSessionFactory().getConnection() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(current.getSessionFactory().getConnection().getRemoteAddress());
    }

    /** Completed failovers (or reconnections) since the relay started. */
    int failovers() {
        return failovers.get();
    }

    @Override
    public void close() {
        connector.shutdownNow();
        ActiveMQConnection current = connection;
        if (current != null) {
            try {
                current.close();
            } catch (JMSException e) {
                // closing on shutdown; nothing to report
            }
        }
    }
}
