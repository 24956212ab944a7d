package dev.oauthsmtprelay.routes;

import org.apache.camel.builder.RouteBuilder;

import dev.oauthsmtprelay.delivery.DeliveryOutcome;
import dev.oauthsmtprelay.delivery.DeliveryPreparation;

/**
 * Delivery queue → SMTP hub. Each message is taken in a JMS transaction: it leaves the queue only
 * when the hub accepted it or it became a dead letter; otherwise the broker redelivers it later.
 */
public final class DeliveryRoute extends RouteBuilder {

    public static final String ROUTE_ID = "relay-delivery";
    /** camel-mail with the relay's sender; the sender holds the hub's address, TLS and identity. */
    public static final String SMTP_URI = "smtp://hub?javaMailSender=#relayMailSender";

    private final DeliveryPreparation preparation;
    private final DeliveryOutcome outcome;

    public DeliveryRoute(DeliveryPreparation preparation, DeliveryOutcome outcome) {
        this.preparation = preparation;
        this.outcome = outcome;
    }

    @Override
    public void configure() {
        // Local JMS session transactions in the listener container (lazyCreateTransactionManager=false): with a
        // JmsTransactionManager every message opened a new broker connection and session.
        from("relayjms:queue:{{relay.broker.delivery-queue}}?transacted=true"
                + "&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER"
                + "&concurrentConsumers={{relay.delivery.concurrency}}&maxConcurrentConsumers={{relay.delivery.concurrency}}"
                + "&errorHandlerLoggingLevel=DEBUG&errorHandlerLogStackTrace=false")
                .routeId(ROUTE_ID)
                // Stream caching would read every JMS body into memory as the route starts; bodies are byte arrays
                // anyway, and large ones are streamed to a file by DeliveryPreparation (QueuedBodyFiles).
                .noStreamCaching()
                .routeConfigurationId(RelayErrorHandling.DELIVERY)
                .process(preparation)
                .to(SMTP_URI)
                .process(outcome);
    }
}
