package dev.oauthsmtprelay.routes;

import org.apache.camel.builder.RouteBuilder;

import dev.oauthsmtprelay.spool.SpoolFileIntake;

/**
 * Spool directory → delivery queue. A file is taken once it is complete (write-then-rename, and
 * unchanged for {@code relay.spool.min-age}); it is deleted (or archived) only after the queue has
 * the message on disk.
 */
public final class SpoolIntakeRoute extends RouteBuilder {

    public static final String ROUTE_ID = "relay-spool-intake";

    private final SpoolFileIntake intake;
    private final String completionOption;

    /** @param archiveDir where taken files go; null deletes them */
    public SpoolIntakeRoute(SpoolFileIntake intake, String archiveDir) {
        this.intake = intake;
        this.completionOption = archiveDir == null ? "delete=true" : "move=" + archiveDir + "/${file:name}";
    }

    @Override
    public void configure() {
        from("file:{{relay.spool.dir}}?includeExt=eml,json&" + completionOption
                + "&readLock=changed&readLockMinAge={{relay.spool.min-age}}&readLockCheckInterval={{relay.spool.check-interval}}"
                + "&readLockTimeout=0&readLockLoggingLevel=OFF&delay={{relay.spool.poll-interval}}"
                + "&maxMessagesPerPoll={{relay.spool.max-per-poll}}&sortBy=file:modified&autoCreate=true")
                .routeId(ROUTE_ID)
                .routeConfigurationId(RelayErrorHandling.INTAKE)
                .process(intake)
                .to("relayjms:queue:{{relay.broker.delivery-queue}}");
    }
}
