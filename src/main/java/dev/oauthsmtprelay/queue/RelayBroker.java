package dev.oauthsmtprelay.queue;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.Optional;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.core.client.impl.ServerLocatorImpl;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The relay's durable queue as one Camel {@link org.apache.camel.Service}: the embedded broker (unless
 * {@link BrokerSettings#externalUrl()} is set) and the JMS connection factories for it.
 *
 * <p>Register it with {@code camelContext.addService(relayBroker)} <em>before</em> the routes start: Camel starts
 * services before routes and stops them after the routes, in reverse order, so the broker is up before the first
 * consumer connects and goes down only after the last route has finished its in-flight exchanges.
 *
 * <p>The factories exist from construction on (nothing connects until used), so they can be bound in the registry
 * and handed to camel-jms components while the context is still being configured:
 * {@link #deliveryConnectionFactory()} for the delivery route's consumers, {@link #connectionFactory()} for other
 * consumers, {@link #producerConnectionFactory()} for producers (see {@link BrokerConnectionFactories}).
 */
public final class RelayBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RelayBroker.class);

    private final BrokerSettings settings;
    private final EmbeddedBroker embedded;
    private final ActiveMQConnectionFactory connectionFactory;
    private final ActiveMQConnectionFactory deliveryConnectionFactory;
    private final CachingConnectionFactory producerConnectionFactory;
    private final BrokerConnectionWatch watch;

    public RelayBroker(BrokerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.embedded = settings.embedded() ? new EmbeddedBroker(settings) : null;
        this.connectionFactory = BrokerConnectionFactories.create(settings, embedded);
        this.deliveryConnectionFactory = BrokerConnectionFactories.forDelivery(settings, embedded);
        this.producerConnectionFactory = BrokerConnectionFactories.caching(connectionFactory);
        this.watch = embedded == null ? new BrokerConnectionWatch(connectionFactory) : null;
        if (embedded != null) {
            embedded.onStoppedByFailure(this::failClientConnections);
        }
    }

    /**
     * Fails the relay's connections to the embedded broker after it stopped by itself, so that blocked calls return
     * at once and the consumers and producers start reconnecting (Artemis's own API has no such call for a client).
     */
    private void failClientConnections() {
        int failed = 0;
        for (ActiveMQConnectionFactory connections : List.of(connectionFactory, deliveryConnectionFactory)) {
            if (!(connections.getServerLocator() instanceof ServerLocatorImpl locator)) {
                continue;
            }
            for (ClientSessionFactory factory : locator.getFactories()) {
                RemotingConnection connection = factory.getConnection();
                if (connection != null) {
                    connection.fail(new ActiveMQNotConnectedException("the embedded broker stopped"));
                    failed++;
                }
            }
        }
        LOG.debug("Failed {} connection(s) to the stopped embedded broker", failed);
    }

    /** See {@link EmbeddedBroker#onFatalError(Consumer)}; an external broker's failures are not fatal here. */
    public void onFatalError(Consumer<String> listener) {
        if (embedded != null) {
            embedded.onFatalError(listener);
        }
    }

    @Override
    protected void doStart() {
        if (embedded != null) {
            embedded.start();
        } else {
            LOG.info("Using the external broker {}{}", settings.externalUrl().get(),
                    settings.user().map(u -> " as " + u).orElse(""));
            watch.start();
        }
    }

    @Override
    protected void doStop() {
        // drop the cached producer connection first, so the broker does not log it as a failed client
        producerConnectionFactory.resetConnection();
        if (embedded != null) {
            embedded.stop();
        }
    }

    @Override
    protected void doShutdown() {
        if (watch != null) {
            watch.close();
        }
        producerConnectionFactory.destroy();
        deliveryConnectionFactory.close();
        connectionFactory.close();
    }

    /** For consumers (camel-jms consumer endpoints / message listener containers) other than delivery's. */
    public ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /**
     * For the delivery route's consumers, in a {@link PromptStopListenerContainer}: each holds one message ahead
     * ({@link BrokerConnectionFactories#forDelivery}).
     */
    public ConnectionFactory deliveryConnectionFactory() {
        return deliveryConnectionFactory;
    }

    /** For producers (camel-jms producer endpoints): a caching wrapper around {@link #connectionFactory()}. */
    public ConnectionFactory producerConnectionFactory() {
        return producerConnectionFactory;
    }

    /** The embedded broker, empty when an external broker is used. */
    public Optional<EmbeddedBroker> embeddedBroker() {
        return Optional.ofNullable(embedded);
    }

    /**
     * The external broker the relay is connected to ({@code 127.0.0.1:61617}); empty with the embedded broker, and
     * while the connection is lost.
     */
    public Optional<String> connectedTo() {
        return watch == null ? Optional.empty() : watch.connectedTo();
    }

    /** How often the connection to an external broker failed over (or reconnected) since the relay started. */
    public int failovers() {
        return watch == null ? 0 : watch.failovers();
    }

    public BrokerSettings settings() {
        return settings;
    }

    public String deliveryQueue() {
        return settings.deliveryQueue();
    }

    public String holdQueue() {
        return settings.holdQueue();
    }

    public String deadLetterQueue() {
        return settings.deadLetterQueue();
    }

    @Override
    public String toString() {
        return "RelayBroker[" + (embedded != null ? embedded.inVmUrl() + " " + embedded.brokerDir()
                : settings.externalUrl().get()) + "]";
    }
}
