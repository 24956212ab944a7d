package dev.oauthsmtprelay.routes;

import org.apache.camel.builder.RouteBuilder;

import dev.oauthsmtprelay.status.StatusReport;

/** {@code GET /status}: what the {@code status} command prints, as JSON. */
public final class StatusRoute extends RouteBuilder {

    public static final String ROUTE_ID = "relay-status";

    private final StatusReport report;

    public StatusRoute(StatusReport report) {
        this.report = report;
    }

    @Override
    public void configure() {
        from("platform-http:/status?httpMethodRestrict=GET")
                .routeId(ROUTE_ID)
                .process(report);
    }
}
