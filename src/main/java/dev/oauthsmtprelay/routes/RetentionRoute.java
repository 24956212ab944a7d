package dev.oauthsmtprelay.routes;

import org.apache.camel.builder.RouteBuilder;

import dev.oauthsmtprelay.retention.RetentionJob;

/** On the cron schedule {@code relay.retention.cron} (camel-quartz): delete old dead letters and archived spool files. */
public final class RetentionRoute extends RouteBuilder {

    public static final String ROUTE_ID = "relay-retention";

    private final String cron;
    private final RetentionJob job;

    /** @param cron a Quartz cron expression with seconds, for example {@code 0 0 3 * * ?} */
    public RetentionRoute(String cron, RetentionJob job) {
        this.cron = cron;
        this.job = job;
    }

    @Override
    public void configure() {
        // Quartz reads '+' as the blank between cron fields in an endpoint URI.
        from("quartz://relay/retention?cron=" + cron.trim().replaceAll("\\s+", "+"))
                .routeId(ROUTE_ID)
                .process(job);
    }
}
