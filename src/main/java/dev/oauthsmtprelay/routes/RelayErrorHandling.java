package dev.oauthsmtprelay.routes;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.DeliveryFailureHandler;
import dev.oauthsmtprelay.intake.InvalidMessageException;
import dev.oauthsmtprelay.jms.JmsRejection;
import dev.oauthsmtprelay.spool.SpoolIntakeProblems;
import dev.oauthsmtprelay.spool.SpoolRejection;

/** Error handling of the relay's routes, kept apart from the routes themselves. */
public final class RelayErrorHandling extends RouteConfigurationBuilder {

    public static final String INTAKE = "relay-intake-errors";
    public static final String DELIVERY = "relay-delivery-errors";
    public static final String JMS_INTAKE = "relay-jms-intake-errors";

    private final SpoolRejection rejection;
    private final DeliveryFailureHandler deliveryFailures;
    private final JmsRejection jmsRejection;
    private final SpoolIntakeProblems spoolProblems;

    public RelayErrorHandling(SpoolRejection rejection, DeliveryFailureHandler deliveryFailures) {
        this(rejection, deliveryFailures, null);
    }

    /** @param jmsRejection for JMS intake; null when the relay takes no messages from JMS queues */
    public RelayErrorHandling(SpoolRejection rejection, DeliveryFailureHandler deliveryFailures,
                              JmsRejection jmsRejection) {
        this(rejection, deliveryFailures, jmsRejection, null);
    }

    /** @param spoolProblems reports spool files that cannot be queued once per condition; null logs each failure */
    public RelayErrorHandling(SpoolRejection rejection, DeliveryFailureHandler deliveryFailures,
                              JmsRejection jmsRejection, SpoolIntakeProblems spoolProblems) {
        this.rejection = rejection;
        this.deliveryFailures = deliveryFailures;
        this.jmsRejection = jmsRejection;
        this.spoolProblems = spoolProblems;
    }

    @Override
    public void configuration() {
        routeConfiguration(INTAKE)
                // Not a valid message: move it aside with the reason; the relay keeps going.
                .onException(InvalidMessageException.class).handled(true).process(rejection).end()
                // Anything else (queue unavailable, data directory full): the file stays in the spool and is tried
                // again; the cause is reported once per condition, not once per file and poll.
                .onException(Exception.class).handled(false).logExhausted(false)
                .process(this::reportQueueFailure)
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

    private void reportQueueFailure(Exchange exchange) {
        if (spoolProblems != null) {
            spoolProblems.queueFailed(exchange);
            return;
        }
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LoggerFactory.getLogger("dev.oauthsmtprelay.spool").warn(
                "Could not queue spool file {}; it stays in the spool and is tried again: {}",
                exchange.getIn().getHeader(Exchange.FILE_NAME, String.class), cause == null ? "" : cause.getMessage());
    }
}
