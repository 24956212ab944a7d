package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.CronExpression;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.Key;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.deadletter.digest.DeadLetterDigest;
import dev.oauthsmtprelay.deadletter.retention.RetentionJob;

/**
 * The periodic jobs of {@code routes/scheduled-jobs.yaml}: retention of dead letters and archived spool files
 * ({@code relay.retention.cron}) and the dead letter digest to {@code relay.admin-address}
 * ({@code relay.digest.cron}). An empty cron key turns its job off. A cron expression is checked here, at start,
 * so that a typo names its key instead of failing inside camel-quartz.
 *
 * @param retention the retention job is on
 * @param digest    the digest is on
 */
record ScheduledJobs(boolean retention, boolean digest) {

    /**
     * Quartz's job threads ({@link QuartzJobThreads}, which do not wake while idle). The jobs here run once a minute
     * or a few times a day; two, so that a long retention run does not hold up the status page's minute sample.
     */
    static final int QUARTZ_THREADS = 2;

    static ScheduledJobs install(CamelContext context, RelaySettings settings, DeadLetterStore deadLetters,
                                 Clock clock) {
        if (context.hasComponent("quartz") == null) { // a runtime that brings its own Quartz set-up keeps it
            QuartzComponent quartz = new QuartzComponent();
            quartz.setProperties(Map.of(
                    "org.quartz.threadPool.class", QuartzJobThreads.class.getName(),
                    "org.quartz.threadPool.threadCount", String.valueOf(QUARTZ_THREADS),
                    "org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore",
                    "org.quartz.jobStore.misfireThreshold", "60000"));
            context.addComponent("quartz", quartz);
        }
        boolean retention = cron(settings, RelayKeys.RETENTION_CRON) != null;
        if (retention) {
            context.getRegistry().bind("relayRetention", new RetentionJob(deadLetters,
                    settings.get(RelayKeys.RETENTION_DEAD_LETTERS),
                    settings.optional(RelayKeys.SPOOL_ARCHIVE_DIR).orElse(null),
                    settings.get(RelayKeys.RETENTION_ARCHIVE), clock));
        }
        String admin = settings.optional(RelayKeys.ADMIN_ADDRESS).orElse(null);
        boolean digest = admin != null && cron(settings, RelayKeys.DIGEST_CRON) != null;
        if (digest) {
            if (!admin.matches("[^@\\s<>]+@[^@\\s<>]+")) {
                throw new ConfigurationException("Configuration key '" + RelayKeys.ADMIN_ADDRESS + "' must be one mail address "
                        + "(admin@example.com), but is '" + admin + "'.");
            }
            context.getRegistry().bind("relayDeadLetterDigest", new DeadLetterDigest(deadLetters,
                    settings.spoolDir(), settings.defaultSender().orElse(admin), admin, clock));
        }
        return new ScheduledJobs(retention, digest);
    }

    /** The cron expression under {@code key}, null when the key is empty (the job is off). */
    private static String cron(RelaySettings settings, Key<String> key) {
        String cron = settings.optional(key).orElse(null);
        if (cron != null && !CronExpression.isValidExpression(cron)) {
            throw new ConfigurationException("Configuration key '" + key + "' is not a Quartz cron expression: '"
                    + cron + "'. Use six fields with seconds first, for example '0 0 3 * * ?' (03:00 every day), "
                    + "or leave the key empty to turn that job off.");
        }
        return cron;
    }
}
