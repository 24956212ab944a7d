package dev.oauthsmtprelay.routes;

import java.util.Map;

import org.apache.camel.builder.RouteBuilder;

import dev.oauthsmtprelay.jms.JmsMessageIntake;

/**
 * Intake queues on an existing broker → delivery queue, one route per queue ({@value #ROUTE_ID_PREFIX}{@code <queue>}).
 * Each message is taken in a transaction on the intake broker that commits only after the delivery queue has the
 * message on disk (or, for an invalid message, after it went to the intake dead-letter queue): a crash at any point
 * loses nothing; a crash between the two can deliver a message twice.
 */
public final class JmsIntakeRoute extends RouteBuilder {

    public static final String ROUTE_ID_PREFIX = "relay-jms-intake-";
    /** The camel-jms component for the intake broker, apart from the relay's own {@code relayjms}. */
    public static final String COMPONENT = "relayintake";

    private final Map<String, JmsMessageIntake> intakeByQueue;
    private final String connectionFactoryBean;
    private final int concurrency;
    private final String deliveryQueueUri;

    /**
     * @param intakeByQueue         the queues and the processor for each
     * @param connectionFactoryBean registry name of the intake broker's connection factory
     * @param deliveryQueueUri      the relay's delivery queue (producer endpoint)
     */
    public JmsIntakeRoute(Map<String, JmsMessageIntake> intakeByQueue, String connectionFactoryBean, int concurrency,
                          String deliveryQueueUri) {
        this.intakeByQueue = Map.copyOf(intakeByQueue);
        this.connectionFactoryBean = connectionFactoryBean;
        this.concurrency = concurrency;
        this.deliveryQueueUri = deliveryQueueUri;
    }

    public static String routeId(String queue) {
        return ROUTE_ID_PREFIX + queue;
    }

    @Override
    public void configure() {
        intakeByQueue.forEach((queue, intake) ->
                from(COMPONENT + ":queue:" + queue + "?connectionFactory=#" + connectionFactoryBean
                        // local session transactions: a JmsTransactionManager would open a connection per message
                        + "&transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER"
                        + "&disableReplyTo=true"
                        + "&concurrentConsumers=" + concurrency + "&maxConcurrentConsumers=" + concurrency
                        + "&errorHandlerLoggingLevel=DEBUG&errorHandlerLogStackTrace=false")
                        .routeId(routeId(queue))
                        .routeConfigurationId(RelayErrorHandling.JMS_INTAKE)
                        .process(intake)
                        .to(deliveryQueueUri));
    }
}
