package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.OptionalLong;

import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.Account;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.deadletter.dsn.DeliveryStatusNotifier;
import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.delivery.DeliveryHistory;
import dev.oauthsmtprelay.delivery.pacing.DailyQuota;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.intake.spool.SpoolFileReads;
import dev.oauthsmtprelay.intake.spool.SpoolPollWatch;
import dev.oauthsmtprelay.delivery.pacing.SendingSlots;
import dev.oauthsmtprelay.intake.smtp.SmtpListener;
import dev.oauthsmtprelay.ops.console.FlowHistory;
import dev.oauthsmtprelay.ops.console.StatusPage;
import dev.oauthsmtprelay.ops.health.BrokerHealthCheck;
import dev.oauthsmtprelay.ops.health.CredentialExpiryWatch;
import dev.oauthsmtprelay.ops.health.CredentialsHealthCheck;
import dev.oauthsmtprelay.ops.health.DeliveryHealthCheck;
import dev.oauthsmtprelay.ops.health.HealthResponse;
import dev.oauthsmtprelay.ops.health.RelayHealthChecks;
import dev.oauthsmtprelay.ops.health.RelayLivenessCheck;
import dev.oauthsmtprelay.ops.health.SpoolIntakeHealthCheck;
import dev.oauthsmtprelay.ops.metrics.MetricsResponse;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;
import dev.oauthsmtprelay.ops.queue.ConsoleToken;
import dev.oauthsmtprelay.ops.queue.QueueActions;
import dev.oauthsmtprelay.ops.queue.QueueConsole;
import dev.oauthsmtprelay.ops.status.QueueStatistics;
import dev.oauthsmtprelay.ops.status.StatusReport;
import dev.oauthsmtprelay.queue.QueueAdmin;
import dev.oauthsmtprelay.queue.RelayBroker;

/**
 * What operators use while the relay runs: health checks (Camel's health-check registry), metrics
 * (Micrometer, Prometheus format), the HTTP endpoint serving both plus {@code /status} on
 * {@code relay.health.host}:{@code relay.health.port} (camel-platform-http-vertx; off while the
 * port is 0), the {@link ScheduledJobs}, and delivery status notifications to senders when
 * {@code relay.dsn.enabled=true}.
 */
final class OperationsSetup {

    private OperationsSetup() {
    }

    /**
     * @param smtpListener the SMTP listener, or null when it is off
     * @return the optional parts switched on, for the route files' preconditions
     */
    static RelayParts install(CamelContext context, RelayEnvironment environment, RelayBroker broker, DeliveryGate gate,
            DeadLetterStore deadLetters, RelayMetrics metrics, boolean jmsIntake, SmtpListener smtpListener,
            Clock clock) throws Exception {
        RelaySettings settings = environment.settings();
        MailboxPauses pauses = context.getRegistry().lookupByNameAndType(MailboxPauses.BEAN, MailboxPauses.class);
        RelayHealthChecks.register(context, new BrokerHealthCheck(broker),
                new CredentialsHealthCheck(environment.credentials().credentials(), settings.credentialsEnabled()),
                new DeliveryHealthCheck(gate, pauses), new RelayLivenessCheck());
        SpoolFileReads spoolReads = context.getRegistry().lookupByNameAndType(SpoolFileReads.BEAN,
                SpoolFileReads.class);
        SpoolPollWatch spoolPolls = context.getRegistry().lookupByNameAndType(SpoolPollWatch.BEAN,
                SpoolPollWatch.class);
        RelayHealthChecks.register(context, new SpoolIntakeHealthCheck(spoolReads, spoolPolls));

        CredentialExpiryWatch expiry = new CredentialExpiryWatch(environment.accounts().all().stream()
                .map(Account::credentials).toList(), clock);
        context.getRegistry().bind(CredentialExpiryWatch.BEAN, expiry);
        expiry.warnIfDue();
        metrics.gauge("relay.credentials.expiry.seconds", "Seconds until the Microsoft app's secret or certificate "
                + "expires (negative once passed; NaN when no date is known)", expiry::secondsLeft);
        QueueStatistics queue = new QueueStatistics(broker);
        metrics.gauge("relay.queue.depth", "Messages in the delivery queue", () -> orNaN(queue.depth()));
        metrics.gauge("relay.queue.in.retry", "Messages waiting for their redelivery delay",
                () -> orNaN(queue.inRetry()));
        metrics.gauge("relay.dead.letters", "Dead letters on disk", () -> deadLetters.list().size());
        metrics.gauge("relay.broker.failovers", "Failovers (or reconnections) of the connection to an external "
                + "broker since the relay started", broker::failovers);
        metrics.gauge("relay.delivery.paused", "1 while delivery is paused", () -> gate.isPaused() ? 1 : 0);
        metrics.gauge("relay.mailboxes.paused", "Sender mailboxes whose delivery is paused on their own",
                () -> pauses.paused().size());
        metrics.gauge("relay.accounts.paused", "Accounts (credentials files) whose delivery is paused while the "
                + "others deliver", () -> pauses.pausedAccounts().size());
        metrics.gauge("relay.spool.stalled.reads", "Spool files whose read has not returned within "
                + "relay.spool.read-timeout", () -> spoolReads.stalled().size());
        metrics.gauge("relay.spool.poll.stuck.seconds", "Seconds the running spool poll has taken past "
                + "relay.spool.read-timeout; 0 while polls return in time", spoolPolls::stuckSeconds);
        context.addService(metrics.jvmAndProcess(), true, true);

        int port = settings.get(RelayKeys.HEALTH_PORT);
        if (port > 0) {
            VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
            http.setBindHost(settings.get(RelayKeys.HEALTH_HOST));
            http.setBindPort(port);
            VertxPlatformHttpServer server = new VertxPlatformHttpServer(http);
            // Our own Vert.x instance: the server closes one it was given when it stops, not one it made itself.
            server.setVertx(Vertx.vertx());
            context.addService(server, true, true);
        }
        context.getRegistry().bind("relayHealthResponse", new HealthResponse());
        context.getRegistry().bind("relayMetricsResponse", new MetricsResponse());
        QueueActions queueActions = new QueueActions(new QueueAdmin(broker.connectionFactory(), broker.deliveryQueue(),
                broker.holdQueue()), context.getRegistry().lookupByNameAndType(DeliveryHistory.BEAN, DeliveryHistory.class),
                clock);
        ConsoleToken consoleToken = new ConsoleToken(settings.optional(RelayKeys.CONSOLE_TOKEN));
        context.getRegistry().bind("relayQueueConsole", new QueueConsole(queueActions, consoleToken));
        StatusReport statusReport = new StatusReport(queue, broker, deadLetters, gate, pauses,
                environment.accounts().all().stream().map(environment::tokenService).toList(), smtpListener,
                context.getRegistry().lookupByNameAndType(DailyQuota.BEAN, DailyQuota.class),
                context.getRegistry().lookupByNameAndType("relaySendingSlots", SendingSlots.class), expiry);
        context.getRegistry().bind("relayStatus", statusReport);
        FlowHistory history = new FlowHistory(() -> (long) metrics.count("relay.messages.delivered"),
                () -> (long) (metrics.count("relay.messages.retried") + metrics.count("relay.messages.dead.lettered")),
                () -> queue.depth().orElse(-1), clock);
        context.getRegistry().bind("relayFlowHistory", history);
        context.getRegistry().bind("relayStatusPage", new StatusPage(statusReport, queueActions, consoleToken,
                deadLetters, history, settings.spoolDir(), clock));

        ScheduledJobs jobs = ScheduledJobs.install(context, settings, deadLetters, clock);
        boolean dsn = settings.get(RelayKeys.DSN_ENABLED);
        if (dsn) {
            context.getRegistry().bind("relayDeliveryStatusNotifier", new DeliveryStatusNotifier(settings.spoolDir(),
                    settings.defaultSender().orElseThrow(() -> new ConfigurationException(RelayKeys.DSN_ENABLED + "=true needs "
                            + "relay.default-sender: the mailbox delivery status notifications are sent as. Set it, "
                            + "or set " + RelayKeys.DSN_ENABLED + "=false.")), reportingMta(), clock));
        }
        return new RelayParts(jmsIntake, port > 0, jobs.retention(), jobs.digest(), dsn, smtpListener != null,
                jmsIntake || settings.optional(RelayKeys.SPOOL_RECEIPTS_DIR).isPresent()
                        || smtpListener != null && settings.get(RelayKeys.LISTENER_RECEIPTS));
    }

    private static String reportingMta() {
        try {
            return java.net.InetAddress.getLocalHost().getCanonicalHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    private static double orNaN(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : Double.NaN;
    }
}
