package dev.oauthsmtprelay.queue;

import java.util.Objects;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * JMS connection factories for the relay's durable queue (Jakarta JMS 3, {@code jakarta.jms.*}).
 *
 * <p>Which one to give to camel-jms:
 * <ul>
 *   <li><b>The delivery route's consumers</b> ({@code relayjms:queue:relay.outbound}): {@link #forDelivery}, which
 *       lets each consumer hold one message ahead.</li>
 *   <li><b>Other consumers</b> (receipts): the plain factory from {@link #create(BrokerSettings, EmbeddedBroker)}.
 *       Spring's {@code DefaultMessageListenerContainer} (camel-jms consumer) keeps its own connection and sessions
 *       open ({@code cacheLevelName=CACHE_CONSUMER}) and reconnects by itself; it must not sit on a
 *       {@link CachingConnectionFactory} when {@code maxConcurrentConsumers} lets it scale.</li>
 *   <li><b>Producers</b> (intake routes sending to the queue): {@link #caching(ConnectionFactory)}. camel-jms
 *       produces through Spring's {@code JmsTemplate}, which opens and closes connection, session and producer for
 *       every message; without caching each enqueue costs a new connection.</li>
 * </ul>
 * One camel-jms component can only have one factory, so the relay registers two components (for example
 * {@code jms} for consuming and {@code jmsout} for producing), or sets {@code connectionFactory=#bean} per endpoint.
 */
public final class BrokerConnectionFactories {

    /**
     * Sessions kept by {@link #caching(ConnectionFactory)}: enough for the concurrent intake threads of one
     * instance; more are created (and closed after use) when needed.
     */
    public static final int PRODUCER_SESSION_CACHE_SIZE = 10;

    /**
     * Delivery's consumer window, in bytes. Any message is larger, so the broker sends a consumer one message ahead:
     * the next one travels while the current one is delivered, instead of after a request and a wait for it.
     */
    static final int DELIVERY_CONSUMER_WINDOW_BYTES = 1;

    /** How long an in-VM call to the embedded broker may wait for its answer. */
    static final long IN_VM_CALL_TIMEOUT_MS = 10_000;

    private BrokerConnectionFactories() {
    }

    /**
     * A factory for the embedded broker's in-VM acceptor (when {@code embedded} is given) or for
     * {@link BrokerSettings#externalUrl()}; with {@link BrokerSettings#user()}/{@link BrokerSettings#password()}
     * when set. Nothing is connected until the first {@code createConnection()}.
     *
     * @param embedded the running (or about to be started) embedded broker, or {@code null} for an external broker
     */
    public static ActiveMQConnectionFactory create(BrokerSettings settings, EmbeddedBroker embedded) {
        Objects.requireNonNull(settings, "settings");
        String url;
        if (embedded != null) {
            url = embedded.inVmUrl();
        } else {
            url = settings.externalUrl().orElseThrow(() -> new IllegalArgumentException(
                    "no broker: relay.broker.url is not set and no embedded broker was given"));
        }
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        settings.user().ifPresent(factory::setUser);
        settings.password().ifPresent(factory::setPassword);

        // A persistent send returns only after the broker has written the message to its journal. The intake deletes
        // or archives a spool file right after the send, so this is what makes "no mail lost on a crash" true.
        factory.setBlockOnDurableSend(true);
        // Acknowledgements (non-transacted sessions) also wait for the broker: once the listener returned after an
        // SMTP success, the ack is durable, which narrows the window in which a crash makes us send a mail twice.
        // Costs one round trip per message, nothing next to an SMTP transaction.
        factory.setBlockOnAcknowledge(true);
        // No client-side prefetch. With the default window (1 MiB) one consumer would buffer hundreds of small mails
        // while other consumers (threads, or other relay instances on a shared broker) sit idle, and buffered
        // messages are neither visible to those consumers nor to the redelivery schedule. With 0 a consumer gets a
        // message only when it asks for one, so competing consumers split the work fairly; the extra round trip per
        // message is microseconds in-VM and well under a millisecond on a LAN, against 10-100 ms per SMTP delivery.
        factory.setConsumerWindowSize(0);
        // Destinations are looked up once per session instead of once per send (queues are created up front).
        factory.setCacheDestinations(true);

        if (embedded == null) {
            // Survive a broker restart or a network blip: reconnect forever, backing off 1 s -> 30 s. A send in
            // flight at that moment fails (the spool file stays and is picked up again); consumers resume by
            // themselves. Failing the very first connect is left to camel-jms's recovery (recoveryInterval),
            // so a relay started before its broker neither hangs in startup nor gives up.
            factory.setReconnectAttempts(-1);
            factory.setRetryInterval(1_000);
            factory.setRetryIntervalMultiplier(2.0);
            factory.setMaxRetryInterval(30_000);
        } else {
            // In-VM: the broker lives and dies with this JVM; reconnecting to a stopped broker only delays shutdown.
            factory.setReconnectAttempts(0);
            // When the broker stops on a journal error, Artemis's own clean-up of a failed session can send a blocking
            // acknowledgement on the dead connection, which only the call timeout ends (seen in FatalBrokerErrorExitTest:
            // the consumers stayed stuck past a 20 s wait with the default 30 s). A healthy in-VM call, a journal
            // write included, takes milliseconds; one that takes 10 s fails like any send and is tried again.
            factory.setCallTimeout(IN_VM_CALL_TIMEOUT_MS);
            // Pings find a peer that went away without a word; an in-VM broker cannot, it stops with this JVM and
            // tells its clients so. Each connection's ping every 30 s kept the broker's timers busy while idle.
            factory.setClientFailureCheckPeriod(-1);
            factory.setConnectionTTL(-1);
        }
        return factory;
    }

    /**
     * A factory like {@link #create(BrokerSettings, EmbeddedBroker)} for the delivery route's consumers, whose
     * consumers hold one message ahead ({@link #DELIVERY_CONSUMER_WINDOW_BYTES}). On this machine that saved about
     * 4.5 of 42-48 thread switches and about 10 % of the relay's CPU per message (six pairs, bench/README.md). A
     * message held ahead is taken from the queue for the other consumers, on this relay and on others sharing the
     * broker: at most one per consumer, and only while there is more mail than consumers. It must be given back
     * before a rollback and when the consumers stop: {@link PromptStopListenerContainer} does both.
     */
    public static ActiveMQConnectionFactory forDelivery(BrokerSettings settings, EmbeddedBroker embedded) {
        ActiveMQConnectionFactory factory = create(settings, embedded);
        factory.setConsumerWindowSize(DELIVERY_CONSUMER_WINDOW_BYTES);
        // Its sessions acknowledge inside a transaction that a blocking commit ends (BatchAckListenerContainer), so
        // each acknowledgement may wait in the client for that commit instead of being a round trip of its own.
        factory.setBlockOnAcknowledge(false);
        return factory;
    }

    /**
     * Wraps {@code target} in Spring's {@link CachingConnectionFactory}: one shared connection (re-created after a
     * connection failure), up to {@link #PRODUCER_SESSION_CACHE_SIZE} cached sessions with cached producers. For
     * producers only (see the class comment). Call {@link CachingConnectionFactory#destroy()} on shutdown.
     */
    public static CachingConnectionFactory caching(ConnectionFactory target) {
        CachingConnectionFactory caching = new CachingConnectionFactory(Objects.requireNonNull(target, "target"));
        caching.setSessionCacheSize(PRODUCER_SESSION_CACHE_SIZE);
        caching.setCacheProducers(true);
        caching.setCacheConsumers(false);
        caching.setReconnectOnException(true);
        return caching;
    }
}
