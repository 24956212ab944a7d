package dev.oauthsmtprelay.routes;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;

import dev.oauthsmtprelay.delivery.DeliveryFailureHandler;
import dev.oauthsmtprelay.intake.InvalidMessageException;
import dev.oauthsmtprelay.spool.SpoolRejection;

/** Error handling of the relay's routes, kept apart from the routes themselves. */
public final class RelayErrorHandling extends RouteConfigurationBuilder {

    public static final String INTAKE = "relay-intake-errors";
    public static final String DELIVERY = "relay-delivery-errors";

    private final SpoolRejection rejection;
    private final DeliveryFailureHandler deliveryFailures;

    public RelayErrorHandling(SpoolRejection rejection, DeliveryFailureHandler deliveryFailures) {
        this.rejection = rejection;
        this.deliveryFailures = deliveryFailures;
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
    }
}
