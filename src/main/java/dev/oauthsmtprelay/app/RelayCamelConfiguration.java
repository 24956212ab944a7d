package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.config.EffectiveConfiguration;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.config.RelayVersion;
import dev.oauthsmtprelay.credentials.Account;
import dev.oauthsmtprelay.credentials.Finding;
import dev.oauthsmtprelay.deadletter.DeadLetterFiling;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.delivery.DeliveryFailureHandler;
import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.delivery.DeliveryHistory;
import dev.oauthsmtprelay.delivery.DeliveryOutcome;
import dev.oauthsmtprelay.delivery.DeliveryPreparation;
import dev.oauthsmtprelay.delivery.PartialRequeue;
import dev.oauthsmtprelay.delivery.QueuedBodyFiles;
import dev.oauthsmtprelay.delivery.SendingAccounts;
import dev.oauthsmtprelay.delivery.graph.GraphClient;
import dev.oauthsmtprelay.delivery.graph.GraphSender;
import dev.oauthsmtprelay.delivery.pacing.DailyQuota;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.delivery.pacing.ProviderBackoff;
import dev.oauthsmtprelay.delivery.pacing.SendingSlots;
import dev.oauthsmtprelay.delivery.receipt.DeliveryReceipts;
import dev.oauthsmtprelay.delivery.smtp.XOAuth2MailSender;
import dev.oauthsmtprelay.intake.ConditionReport;
import dev.oauthsmtprelay.intake.jms.JmsIntakeDiskWatch;
import dev.oauthsmtprelay.intake.parse.IntakeSettings;
import dev.oauthsmtprelay.intake.parse.MessageParser;
import dev.oauthsmtprelay.intake.smtp.SmtpListener;
import dev.oauthsmtprelay.intake.spool.BytesInFlight;
import dev.oauthsmtprelay.intake.spool.SpoolFileIntake;
import dev.oauthsmtprelay.intake.spool.SpoolFileReads;
import dev.oauthsmtprelay.intake.spool.SpoolIntakeProblems;
import dev.oauthsmtprelay.intake.spool.SpoolPollScheduler;
import dev.oauthsmtprelay.intake.spool.SpoolPollWatch;
import dev.oauthsmtprelay.intake.spool.SpoolRejection;
import dev.oauthsmtprelay.ops.health.RelayHealthChecks;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;
import dev.oauthsmtprelay.queue.BatchedQueueProducer;
import dev.oauthsmtprelay.queue.BrokerDisk;
import dev.oauthsmtprelay.queue.BrokerSettings;
import dev.oauthsmtprelay.queue.CommitAtOnce;
import dev.oauthsmtprelay.queue.DeliveryListenerContainers;
import dev.oauthsmtprelay.queue.PromptStopListenerContainers;
import dev.oauthsmtprelay.queue.QueueBatchSender;
import dev.oauthsmtprelay.queue.RelayBroker;

/**
 * Sets the relay up inside any Camel context (camel-main, a plain DefaultCamelContext, an application that
 * embeds it, Karaf): validates configuration and credentials, starts the broker, binds the beans the route
 * files refer to by name, and loads the route files ({@link RelayRoutes}). Call {@link #configure(CamelContext)}
 * before the context starts.
 */
public class RelayCamelConfiguration implements CamelConfiguration {

    public static final String TOKEN_SERVICE_BEAN = "relayTokenService";
    public static final String MAIL_SENDER_BEAN = "relayMailSender";
    public static final String GRAPH_SENDER_BEAN = "relayGraphSender";
    public static final String JMS_COMPONENT = "relayjms";
    public static final String PRODUCER_CONNECTION_FACTORY_BEAN = "relayProducerConnectionFactory";
    public static final String DELIVERY_CONNECTION_FACTORY_BEAN = "relayDeliveryConnectionFactory";
    private static final Logger LOG = LoggerFactory.getLogger(RelayCamelConfiguration.class);

    private final Clock clock;
    private Consumer<String> fatalErrorHandler;

    public RelayCamelConfiguration() {
        this(Clock.systemUTC());
    }

    public RelayCamelConfiguration(Clock clock) {
        this.clock = clock;
    }

    /**
     * {@code handler} is told, with the reason, when the relay cannot go on without a restart: the embedded broker
     * stopped after a journal error and could not be started again, or failed again soon after it was. The runnable
     * jar exits; an embedding application decides itself.
     */
    public RelayCamelConfiguration onFatalError(Consumer<String> handler) {
        this.fatalErrorHandler = handler;
        return this;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        RelayEnvironment environment = RelayEnvironment.from(context, clock);
        RelaySettings settings = environment.settings();
        for (Account account : environment.accounts().all()) {
            for (Finding warning : account.check().warnings()) {
                LOG.warn("Credentials {}: {}{}", account.source(),
                        warning.field() == null ? "" : "\"" + warning.field() + "\" ", warning.message());
            }
        }
        LOG.info(EffectiveConfiguration.describe(settings));
        Registry beans = context.getRegistry();
        beans.bind(TOKEN_SERVICE_BEAN, environment.tokenService());
        RelayMetrics metrics = new RelayMetrics();
        beans.bind(RelayMetrics.BEAN, metrics);

        // The durable queue.
        BrokerSettings brokerSettings = BrokerSettings.from(settings);
        RelayBroker broker = new RelayBroker(brokerSettings);
        if (fatalErrorHandler != null) {
            broker.onFatalError(fatalErrorHandler);
        }
        context.addService(broker, true, true);
        context.addComponent(JMS_COMPONENT, JmsComponent.jmsComponent(broker.connectionFactory()));
        beans.bind(PromptStopListenerContainers.BEAN, new PromptStopListenerContainers());
        beans.bind(DeliveryListenerContainers.BEAN, new DeliveryListenerContainers(
                settings.get(RelayKeys.DELIVERY_ACK_BATCH), settings.get(RelayKeys.DELIVERY_ACK_MAX_WAIT)));
        beans.bind(CommitAtOnce.BEAN, new CommitAtOnce());
        // The caching factory for producers: JmsTemplate would otherwise open a broker connection per message.
        beans.bind(PRODUCER_CONNECTION_FACTORY_BEAN, broker.producerConnectionFactory());
        // Delivery's consumers: each holds one message ahead, and its listener container gives it back when needed.
        beans.bind(DELIVERY_CONNECTION_FACTORY_BEAN, broker.deliveryConnectionFactory());
        // Spool and listener intake: messages that are ready together share one broker transaction.
        QueueBatchSender queueSender = new QueueBatchSender(broker.connectionFactory(), brokerSettings.deliveryQueue(),
                settings.get(RelayKeys.BROKER_SEND_BATCH));
        context.addService(queueSender, true, true);
        beans.bind(BatchedQueueProducer.BEAN, new BatchedQueueProducer(queueSender, context.getEndpoint(
                JMS_COMPONENT + ":queue:" + brokerSettings.deliveryQueue(), JmsEndpoint.class).getBinding()));

        // Intake from the spool.
        MessageParser parser = new MessageParser(IntakeSettings.from(settings, clock));
        long streamThreshold = settings.get(RelayKeys.DELIVERY_STREAM_THRESHOLD);
        SpoolPollWatch pollWatch = new SpoolPollWatch(settings.get(RelayKeys.SPOOL_READ_TIMEOUT), clock);
        context.addService(pollWatch, true, true);
        beans.bind(SpoolPollWatch.BEAN, pollWatch);
        beans.bind(SpoolPollScheduler.BEAN, new SpoolPollScheduler(settings.get(RelayKeys.SPOOL_POLL_INTERVAL),
                settings.get(RelayKeys.SPOOL_IDLE_POLL_INTERVAL)));
        beans.bind(SpoolIntakeProblems.BEAN, new SpoolIntakeProblems(settings.spoolDir(), new BrokerDisk(broker),
                settings.get(RelayKeys.SPOOL_WARNING_INTERVAL), pollWatch, clock));
        SpoolFileReads spoolReads = new SpoolFileReads(settings.get(RelayKeys.SPOOL_READ_TIMEOUT), clock);
        beans.bind(SpoolFileReads.BEAN, spoolReads);
        beans.bind("relaySpoolIntake", new SpoolFileIntake(parser, clock, new BytesInFlight(
                settings.optional(RelayKeys.SPOOL_MAX_BYTES_IN_FLIGHT).orElseGet(BytesInFlight::defaultLimit)),
                streamThreshold, settings.optional(RelayKeys.SPOOL_RECEIPTS_DIR).orElse(null), spoolReads));
        beans.bind("relaySpoolRejection", new SpoolRejection(clock));

        // Intake from JMS queues, when configured.
        DeadLetterStore deadLetterStore = DeadLetterStore.inDataDir(settings.dataDir());
        Optional<JmsIntakeSetup> jmsIntake = JmsIntakeSetup.install(context, settings, parser, deadLetterStore, clock);

        // Delivery, through each account's transport.
        SendingAccounts accounts = SendingSetup.install(context, environment, clock);
        beans.bind(SendingAccounts.BEAN, accounts);
        environment.accounts().all().forEach(account -> environment.tokenService(account)
                .observeRequests(metrics::tokenRequested));
        beans.bind(MAIL_SENDER_BEAN, new XOAuth2MailSender(accounts.primary().smtp(), accounts::smtpFor));
        List<GraphClient> graphClients = SendingSetup.graphClients(accounts);
        ProviderBackoff backoff = graphClients.isEmpty() ? null : new ProviderBackoff(clock);
        graphClients.forEach(g -> g.onThrottled(backoff::waitUntil));
        if (!graphClients.isEmpty()) {
            GraphSetup.metrics(metrics, graphClients);
        }
        beans.bind(GRAPH_SENDER_BEAN, new GraphSender(accounts::graphFor));
        DeliveryGate gate = new DeliveryGate(context, RelayRoutes.DELIVERY, accounts,
                settings.get(RelayKeys.DELIVERY_PROBE_INTERVAL));
        context.addService(gate);
        beans.bind("relayDeliveryGate", gate);
        MailboxPauses pauses = new MailboxPauses(accounts, accounts::accountNameOf,
                settings.get(RelayKeys.DELIVERY_PROBE_INTERVAL), settings.get(RelayKeys.DELIVERY_MAX_AGE), clock);
        context.addService(pauses);
        beans.bind(MailboxPauses.BEAN, pauses);
        DailyQuota quota = ProviderLimits.quota(settings, environment, clock);
        beans.bind(DailyQuota.BEAN, quota);
        if (quota.limited()) {
            quota.onMailbox(mailbox -> {
                metrics.mailboxGauge("relay.mailbox.messages", "Messages the mailbox sent in the last 24 hours",
                        mailbox, () -> quota.usage(mailbox).messages());
                metrics.mailboxGauge("relay.mailbox.recipients", "Recipients the mailbox sent to in the last 24 hours",
                        mailbox, () -> quota.usage(mailbox).recipients());
                metrics.mailboxGauge("relay.mailbox.waiting", "Messages of the mailbox waiting in the queue for its "
                        + "daily limit to free", mailbox, () -> quota.usage(mailbox).waiting());
                metrics.mailboxGauge("relay.mailbox.quota.frees.seconds", "Seconds until the first of the mailbox's "
                        + "messages waiting for its daily limit may go; 0 when none waits", mailbox,
                        () -> quota.freesAt(mailbox).map(at -> Math.max(0, Duration.between(clock.instant(), at)
                                .toSeconds())).orElse(0L));
            });
        }
        SendingSlots slots = ProviderLimits.slots(settings, environment, clock);
        if (slots != null) {
            beans.bind("relaySendingSlots", slots);
            slots.onMailbox(mailbox -> metrics.mailboxGauge("relay.mailbox.paced", "Messages of the mailbox waiting "
                    + "in the queue for their sending slot (relay.pacing.messages-per-minute)", mailbox,
                    () -> slots.waiting(mailbox)));
        }
        beans.bind("relayMailboxPacing", ProviderLimits.pacing(environment, slots, quota, backoff, pauses, clock));
        beans.bind("relayMailboxGroups", ProviderLimits.groups(settings, brokerSettings, environment,
                slots, quota));
        beans.bind("relayDeliveryPreparation", new DeliveryPreparation(environment.senders(),
                environment.fromPolicy(), new QueuedBodyFiles(settings.dataDir().resolve("delivery"), streamThreshold),
                accounts));
        beans.bind(DeliveryReceipts.BEAN, new DeliveryReceipts(context.createProducerTemplate(),
                "relayjms:queue:" + brokerSettings.receiptsQueue() + "?connectionFactory=#"
                        + PRODUCER_CONNECTION_FACTORY_BEAN, clock));
        beans.bind("relayDeliveryOutcome", new DeliveryOutcome());
        beans.bind("relayPartialRequeue", new PartialRequeue());
        beans.bind("relayDeliveryFailure", new DeliveryFailureHandler(
                settings.get(RelayKeys.DELIVERY_MAX_AGE), clock));
        DeliveryHistory history = new DeliveryHistory(brokerSettings.redeliveryDelay(),
                brokerSettings.redeliveryMultiplier(), brokerSettings.maxRedeliveryDelay(), clock);
        beans.bind(DeliveryHistory.BEAN, history);

        // Intake over SMTP, when configured.
        SmtpListener smtpListener = SmtpListenerSetup.install(context, settings,
                environment.accounts().domains(), parser, broker, clock).orElse(null);

        // Dead letters, and what operators use.
        beans.bind("relayDeadLetterFiling", new DeadLetterFiling(deadLetterStore, clock));
        beans.bind(RelayParts.BEAN, OperationsSetup.install(context, environment, broker, gate, deadLetterStore,
                metrics, jmsIntake.isPresent(), smtpListener, clock));

        PerMessageSteps.bind(beans);
        RelayRoutes.load(context, settings.optional(RelayKeys.ROUTES_DIR).orElse(null));
        RelayRoutes.addSpoolIntake(context, settings.optional(RelayKeys.SPOOL_ARCHIVE_DIR).orElse(null));
        if (jmsIntake.isPresent()) {
            RelayRoutes.addJmsIntake(context, jmsIntake.get().queues());
            context.addService(new JmsIntakeDiskWatch(context, jmsIntake.get().queues().stream()
                    .map(queue -> RelayRoutes.JMS_INTAKE_PREFIX + queue).toList(), new BrokerDisk(broker),
                    settings.get(RelayKeys.BROKER_DISK_SCAN_PERIOD), new ConditionReport(
                    LoggerFactory.getLogger("dev.oauthsmtprelay.intake.jms"),
                    settings.get(RelayKeys.SPOOL_WARNING_INTERVAL), clock)), true, true);
            RelayHealthChecks.register(context, jmsIntake.get().healthCheck());
            LOG.info("Taking messages from JMS queues {}", jmsIntake.get().describe());
        }
        LOG.info("oauth-smtp-relay {}: Relaying {} for {} to {}; queue {}", RelayVersion.get(),
                settings.spoolDir().toAbsolutePath(), String.join(", ", environment.accounts().domains()),
                SendingSetup.describe(accounts, environment), broker);
    }
}
