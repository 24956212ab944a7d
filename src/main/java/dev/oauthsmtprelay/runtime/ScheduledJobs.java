package dev.oauthsmtprelay.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.quartz.CronExpression;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.digest.DeadLetterDigest;
import dev.oauthsmtprelay.retention.RetentionJob;
import dev.oauthsmtprelay.routes.DeadLetterDigestRoute;
import dev.oauthsmtprelay.routes.RetentionRoute;

/**
 * The periodic jobs, on camel-quartz with cron expressions from the configuration: retention of
 * dead letters and archived spool files ({@code relay.retention.cron}) and the dead letter digest
 * to {@code relay.admin-address} ({@code relay.digest.cron}). An empty cron key turns its job off.
 */
final class ScheduledJobs {

    static final String RETENTION_CRON = "relay.retention.cron";
    static final String DIGEST_CRON = "relay.digest.cron";
    static final String ADMIN_ADDRESS = "relay.admin-address";

    private ScheduledJobs() {
    }

    static void install(CamelContext context, RelaySettings settings, DeadLetterStore deadLetters, Clock clock)
            throws Exception {
        String retentionCron = cron(settings, RETENTION_CRON);
        if (retentionCron != null) {
            context.addRoutes(new RetentionRoute(retentionCron, new RetentionJob(deadLetters,
                    settings.duration("relay.retention.dead-letters", Duration.ofDays(30)),
                    settings.value("relay.spool.archive-dir").map(Path::of).orElse(null),
                    settings.duration("relay.retention.archive", Duration.ofDays(7)), clock)));
        }

        String admin = settings.value(ADMIN_ADDRESS).orElse(null);
        String digestCron = cron(settings, DIGEST_CRON);
        if (admin != null && digestCron != null) {
            if (!admin.matches("[^@\\s<>]+@[^@\\s<>]+")) {
                throw new ConfigurationException("Configuration key '" + ADMIN_ADDRESS + "' must be one mail address "
                        + "(admin@example.com), but is '" + admin + "'.");
            }
            context.addRoutes(new DeadLetterDigestRoute(digestCron, new DeadLetterDigest(deadLetters,
                    settings.spoolDir(), settings.defaultSender().orElse(admin), admin, clock)));
        }
    }

    /** The cron expression under {@code key}, null when the key is empty (the job is off). */
    private static String cron(RelaySettings settings, String key) {
        String cron = settings.value(key).orElse(null);
        if (cron != null && !CronExpression.isValidExpression(cron)) {
            throw new ConfigurationException("Configuration key '" + key + "' is not a Quartz cron expression: '"
                    + cron + "'. Use six fields with seconds first, for example '0 0 3 * * ?' (03:00 every day), "
                    + "or leave the key empty to turn that job off.");
        }
        return cron;
    }
}
