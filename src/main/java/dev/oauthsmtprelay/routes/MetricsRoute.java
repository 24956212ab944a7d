package dev.oauthsmtprelay.routes;

import org.apache.camel.builder.RouteBuilder;

import dev.oauthsmtprelay.metrics.MetricsResponse;

/** {@code GET /metrics}: the relay's counters, timers and gauges in the Prometheus text format. */
public final class MetricsRoute extends RouteBuilder {

    public static final String ROUTE_ID = "relay-metrics";

    @Override
    public void configure() {
        from("platform-http:/metrics?httpMethodRestrict=GET")
                .routeId(ROUTE_ID)
                .process(new MetricsResponse());
    }
}
