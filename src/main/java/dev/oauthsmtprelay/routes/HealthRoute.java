package dev.oauthsmtprelay.routes;

import org.apache.camel.builder.RouteBuilder;

import dev.oauthsmtprelay.health.HealthResponse;

/** {@code GET /health}, {@code /health/ready}, {@code /health/live} on the relay's local HTTP port. */
public final class HealthRoute extends RouteBuilder {

    public static final String ROUTE_ID = "relay-health";

    @Override
    public void configure() {
        from("platform-http:/health?httpMethodRestrict=GET&matchOnUriPrefix=true")
                .routeId(ROUTE_ID)
                .process(new HealthResponse());
    }
}
