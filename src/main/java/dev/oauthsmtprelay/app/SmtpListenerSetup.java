package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.AuthenticationHandlerFactory;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.delivery.receipt.DeliveryNotification;
import dev.oauthsmtprelay.intake.ConditionReport;
import dev.oauthsmtprelay.intake.parse.MessageParser;
import dev.oauthsmtprelay.intake.smtp.CamelSubmitter;
import dev.oauthsmtprelay.intake.smtp.ListenerLogins;
import dev.oauthsmtprelay.intake.smtp.ListenerSettings;
import dev.oauthsmtprelay.intake.smtp.ListenerStats;
import dev.oauthsmtprelay.intake.smtp.ListenerTls;
import dev.oauthsmtprelay.intake.smtp.ListenerUsers;
import dev.oauthsmtprelay.intake.smtp.QueueRoom;
import dev.oauthsmtprelay.intake.smtp.SmtpIntake;
import dev.oauthsmtprelay.intake.smtp.SmtpListener;
import dev.oauthsmtprelay.ops.health.RelayHealthChecks;
import dev.oauthsmtprelay.ops.health.SmtpListenerHealthCheck;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;
import dev.oauthsmtprelay.queue.BrokerDisk;
import dev.oauthsmtprelay.queue.RelayBroker;

/**
 * The SMTP listener ({@code relay.listener.*}), present only with {@code relay.listener.enabled=true}: binds
 * {@value SmtpIntake#BEAN} for {@code routes/smtp-intake.yaml}, and runs
 * the server as a service that starts once the routes run and stops first, before the routes and the broker, so a
 * client is never answered by a relay that cannot queue any more.
 */
final class SmtpListenerSetup {

    static final String BEAN = "relaySmtpListener";

    private SmtpListenerSetup() {
    }

    /** @param servedDomains the accounts' domains, whose senders the listener takes by default */
    static Optional<SmtpListener> install(CamelContext context, RelaySettings relaySettings, List<String> servedDomains,
                                          MessageParser parser, RelayBroker broker, Clock clock) throws Exception {
        ListenerSettings settings = ListenerSettings.from(relaySettings, servedDomains);
        if (!settings.enabled()) {
            return Optional.empty();
        }
        boolean receipts = relaySettings.get(RelayKeys.LISTENER_RECEIPTS);
        context.getRegistry().bind(SmtpIntake.BEAN, new SmtpIntake(parser, settings.allowedSenders(),
                settings.hostName(), clock, receipts));
        if (receipts) {
            context.getRegistry().bind(DeliveryNotification.BEAN, new DeliveryNotification(relaySettings.spoolDir(),
                    relaySettings.defaultSender().orElseThrow(() -> new ConfigurationException(RelayKeys.LISTENER_RECEIPTS
                            + "=true needs relay.default-sender: the mailbox delivery notifications are sent as. Set "
                            + "it, or set " + RelayKeys.LISTENER_RECEIPTS + "=false.")), settings.hostName(), clock));
        }

        SSLContext tls = settings.tls() == ListenerSettings.Tls.NONE ? null
                : ListenerTls.context(settings.certificate().get(), settings.key().get());
        AuthenticationHandlerFactory auth = settings.auth() == ListenerSettings.Auth.NONE ? null
                : new ListenerLogins(ListenerUsers.load(settings.usersFile()), settings.maxLoginFailures());
        ListenerStats stats = new ListenerStats();
        QueueRoom room = new QueueRoom(new BrokerDisk(broker), new ConditionReport(
                LoggerFactory.getLogger("dev.oauthsmtprelay.intake.smtp"),
                relaySettings.get(RelayKeys.SPOOL_WARNING_INTERVAL), clock));
        SmtpListener listener = new SmtpListener(settings, new CamelSubmitter(context.createProducerTemplate(), room),
                stats, tls, auth);
        context.getRegistry().bind(BEAN, listener);
        ListenerService service = new ListenerService(listener);
        context.addStartupListener(service);
        context.addLifecycleStrategy(service.stopFirst());
        context.addService(service, true, true);
        RelayHealthChecks.register(context, new SmtpListenerHealthCheck(listener));
        publish(RelayMetrics.of(context), stats);
        return Optional.of(listener);
    }

    private static void publish(RelayMetrics metrics, ListenerStats stats) {
        metrics.gauge("relay.listener.connections", "SMTP connections accepted by the listener since start",
                stats::connections);
        metrics.gauge("relay.listener.connections.open", "SMTP connections open now", stats::openConnections);
        metrics.gauge("relay.listener.accepted", "Messages the listener answered 250 to", stats::accepted);
        metrics.gauge("relay.listener.bytes", "Bytes of the messages the listener answered 250 to", stats::bytes);
        for (String reason : stats.refused().keySet()) {
            metrics.gauge("relay.listener.refused", "Refusals by the listener, by reason", reason,
                    () -> stats.refused().get(reason));
        }
    }

    /** Starts the server when the context has fully started (the routes run), stops it when the context begins to stop. */
    private static final class ListenerService extends ServiceSupport implements StartupListener {
        private final SmtpListener listener;

        ListenerService(SmtpListener listener) {
            this.listener = listener;
        }

        @Override
        public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
            // the routes may not run yet: wait for onCamelContextFullyStarted
        }

        @Override
        public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
            listener.start();
        }

        @Override
        protected void doStop() {
            listener.stop();
        }

        LifecycleStrategySupport stopFirst() {
            return new LifecycleStrategySupport() {
                @Override
                public void onContextStopping(CamelContext context) {
                    listener.stop();
                }
            };
        }
    }
}
