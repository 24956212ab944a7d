package dev.oauthsmtprelay.routes;

import org.apache.camel.builder.RouteBuilder;

import dev.oauthsmtprelay.digest.DeadLetterDigest;

/** On {@code relay.digest.cron} (camel-quartz): mail the administrator the dead letters filed since the last digest. */
public final class DeadLetterDigestRoute extends RouteBuilder {

    public static final String ROUTE_ID = "relay-dead-letter-digest";

    private final String cron;
    private final DeadLetterDigest digest;

    /** @param cron a Quartz cron expression with seconds, for example {@code 0 0 7 * * ?} */
    public DeadLetterDigestRoute(String cron, DeadLetterDigest digest) {
        this.cron = cron;
        this.digest = digest;
    }

    @Override
    public void configure() {
        // Quartz reads '+' as the blank between cron fields in an endpoint URI.
        from("quartz://relay/dead-letter-digest?cron=" + cron.trim().replaceAll("\\s+", "+"))
                .routeId(ROUTE_ID)
                .process(digest);
    }
}
