package dev.oauthsmtprelay.routes;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

import dev.oauthsmtprelay.delivery.DeliveryFailureHandler;
import dev.oauthsmtprelay.intake.InvalidMessageException;
import dev.oauthsmtprelay.jms.JmsRejection;
import dev.oauthsmtprelay.spool.SpoolRejection;

/** Error handling of the relay's routes, kept apart from the routes themselves. */
public final class RelayErrorHandling extends RouteConfigurationBuilder {

    public static final String INTAKE = "relay-intake-errors";
    public static final String DELIVERY = "relay-delivery-errors";
    public static final String JMS_INTAKE = "relay-jms-intake-errors";

    private final SpoolRejection rejection;
    private final DeliveryFailureHandler deliveryFailures;
    private final JmsRejection jmsRejection;

    public RelayErrorHandling(SpoolRejection rejection, DeliveryFailureHandler deliveryFailures) {
        this(rejection, deliveryFailures, null);
    }

    /** @param jmsRejection for JMS intake; null when the relay takes no messages from JMS queues */
    public RelayErrorHandling(SpoolRejection rejection, DeliveryFailureHandler deliveryFailures,
                              JmsRejection jmsRejection) {
        this.rejection = rejection;
        this.deliveryFailures = deliveryFailures;
        this.jmsRejection = jmsRejection;
    }

    @Override
    public void configuration() {
        routeConfiguration(INTAKE)
                // Not a valid message: move it aside with the reason; the relay keeps going.
                .onException(InvalidMessageException.class).handled(true).process(rejection).end()
                // Anything else (queue unavailable, disk): the file stays in the spool and is tried again.
                .onException(Exception.class).handled(false).logExhausted(false)
                .log(LoggingLevel.WARN, "dev.oauthsmtprelay.spool",
                        "Could not queue spool file ${header.CamelFileName}; it stays in the spool and is tried "
                                + "again: ${exception.message}")
                .end();

        routeConfiguration(DELIVERY)
                // The handler logs one line per failure; a rollback it asks for needs no second line.
                .onException(Exception.class).handled(true).logExhausted(false)
                .retriesExhaustedLogLevel(LoggingLevel.DEBUG).process(deliveryFailures).end();

        if (jmsRejection != null) {
            routeConfiguration(JMS_INTAKE)
                    // Not a valid message: dead letter + the intake broker's dead-letter queue, with the reason;
                    // the intake transaction commits only after that send.
                    .onException(InvalidMessageException.class).handled(true).logExhausted(false)
                    .process(jmsRejection).to(jmsRejection.deadLetterQueueUri()).end()
                    // Anything else (delivery queue unavailable, disk): roll back; the intake broker redelivers.
                    .onException(Exception.class).handled(false).logExhausted(false)
                    .log(LoggingLevel.WARN, "dev.oauthsmtprelay.jms",
                            "Could not queue JMS message ${id} from ${routeId}; it stays on the "
                                    + "intake queue and the broker hands it over again: ${exception.message}")
                    .end();
        }
    }
}
