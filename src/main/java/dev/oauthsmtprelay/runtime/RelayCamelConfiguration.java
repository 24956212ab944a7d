package dev.oauthsmtprelay.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.broker.BrokerDisk;
import dev.oauthsmtprelay.broker.BrokerSettings;
import dev.oauthsmtprelay.broker.DiskLimits;
import dev.oauthsmtprelay.broker.RelayBroker;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.Finding;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.delivery.DeadLetters;
import dev.oauthsmtprelay.delivery.DeliveryFailureHandler;
import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.delivery.DeliveryOutcome;
import dev.oauthsmtprelay.delivery.DeliveryPreparation;
import dev.oauthsmtprelay.delivery.QueuedBodyFiles;
import dev.oauthsmtprelay.health.RelayHealthChecks;
import dev.oauthsmtprelay.intake.IntakeSettings;
import dev.oauthsmtprelay.intake.MessageParser;
import dev.oauthsmtprelay.mail.SmtpClient;
import dev.oauthsmtprelay.mail.SmtpConnectionPool;
import dev.oauthsmtprelay.mail.SmtpPoolSettings;
import dev.oauthsmtprelay.mail.SmtpSettings;
import dev.oauthsmtprelay.mail.XOAuth2MailSender;
import dev.oauthsmtprelay.metrics.RelayMetrics;
import dev.oauthsmtprelay.routes.DeliveryRoute;
import dev.oauthsmtprelay.routes.RelayErrorHandling;
import dev.oauthsmtprelay.routes.SpoolIntakeRoute;
import dev.oauthsmtprelay.sender.SenderResolver;
import dev.oauthsmtprelay.spool.BytesInFlight;
import dev.oauthsmtprelay.spool.SpoolFileIntake;
import dev.oauthsmtprelay.spool.SpoolIntakeProblems;
import dev.oauthsmtprelay.spool.SpoolRejection;

/**
 * Sets the relay up inside any Camel context (camel-main, a plain DefaultCamelContext, an
 * application that embeds it): validates configuration and credentials, starts the broker, binds
 * the beans and adds the routes. Call {@link #configure(CamelContext)} before the context starts.
 */
public class RelayCamelConfiguration implements CamelConfiguration {

    public static final String TOKEN_SERVICE_BEAN = "relayTokenService";
    public static final String MAIL_SENDER_BEAN = "relayMailSender";
    public static final String JMS_COMPONENT = "relayjms";
    private static final Logger LOG = LoggerFactory.getLogger(RelayCamelConfiguration.class);

    private final Clock clock;

    public RelayCamelConfiguration() {
        this(Clock.systemUTC());
    }

    public RelayCamelConfiguration(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        RelayEnvironment environment = RelayEnvironment.from(context, clock);
        RelaySettings settings = environment.settings();
        for (Finding warning : environment.credentials().warnings()) {
            LOG.warn("Credentials {}: {}{}", environment.credentials().credentials().source(),
                    warning.field() == null ? "" : "\"" + warning.field() + "\" ", warning.message());
        }
        context.getRegistry().bind(TOKEN_SERVICE_BEAN, environment.tokenService());
        RelayMetrics metrics = new RelayMetrics();
        context.getRegistry().bind(RelayMetrics.BEAN, metrics);

        RelayBroker broker = new RelayBroker(brokerSettings(settings));
        context.addService(broker, true, true);
        JmsComponent jms = JmsComponent.jmsComponent(broker.connectionFactory());
        context.addComponent(JMS_COMPONENT, jms);
        context.getRegistry().bind("relayProducerConnectionFactory", broker.producerConnectionFactory());
        String queueUri = JMS_COMPONENT + ":queue:" + broker.deliveryQueue()
                + "?connectionFactory=#relayProducerConnectionFactory";

        SmtpSettings smtp = SmtpSettings.from(settings, environment.smtpHost());
        SmtpConnectionPool pool = new SmtpConnectionPool(SmtpPoolSettings.from(settings), clock);
        context.addService(pool, true, true); // closes the hub connections when the context stops
        SmtpClient client = new SmtpClient(smtp, environment.tokenService(), pool, clock);
        context.getRegistry().bind(MAIL_SENDER_BEAN, new XOAuth2MailSender(client));
        DeliveryGate gate = new DeliveryGate(context, DeliveryRoute.ROUTE_ID, client,
                settings.duration("relay.delivery.probe-interval", Duration.ofSeconds(30)));
        context.addService(gate);

        DeadLetters deadLetters = new DeadLetters(DeadLetterStore.inDataDir(settings.dataDir()), clock);
        MessageParser parser = new MessageParser(new IntakeSettings(settings.aliasDomain(),
                settings.value(IntakeSettings.MAX_SIZE_KEY).map(Long::parseLong)
                        .orElse(IntakeSettings.DEFAULT_MAX_SIZE_BYTES),
                attachmentDirs(settings), clock,
                settings.value(IntakeSettings.MAX_RECIPIENTS_KEY).map(Integer::parseInt)
                        .orElse(IntakeSettings.DEFAULT_MAX_RECIPIENTS)));

        SpoolIntakeProblems spoolProblems = new SpoolIntakeProblems(settings.spoolDir(), new BrokerDisk(broker),
                settings.duration(SpoolIntakeProblems.WARNING_INTERVAL_KEY,
                        SpoolIntakeProblems.DEFAULT_WARNING_INTERVAL), clock);
        context.getRegistry().bind(SpoolIntakeProblems.BEAN, spoolProblems);
        Optional<JmsIntakeSetup> jmsIntake = JmsIntakeSetup.install(context, settings, parser, deadLetters.store(),
                queueUri, clock);
        context.addRoutesConfigurations(new RelayErrorHandling(new SpoolRejection(clock),
                new DeliveryFailureHandler(deadLetters, gate,
                        settings.duration("relay.delivery.max-age", Duration.ofDays(5)), clock),
                jmsIntake.map(JmsIntakeSetup::rejection).orElse(null), spoolProblems));
        if (jmsIntake.isPresent()) {
            context.addRoutes(jmsIntake.get().routes());
            RelayHealthChecks.register(context, jmsIntake.get().healthCheck());
            LOG.info("Taking messages from JMS queues {}", jmsIntake.get().describe());
        }
        // One notion of "large message" for both sides: streamed from the spool file, and from the queue.
        long streamThreshold = settings.value(QueuedBodyFiles.THRESHOLD_KEY).map(Long::parseLong)
                .orElse(QueuedBodyFiles.DEFAULT_THRESHOLD);
        context.addRoutes(new SpoolIntakeRoute(new SpoolFileIntake(parser, clock, new BytesInFlight(
                        settings.value(BytesInFlight.KEY).map(Long::parseLong).orElseGet(BytesInFlight::defaultLimit)),
                        streamThreshold),
                settings.value("relay.spool.archive-dir").orElse(null), spoolProblems));
        context.addRoutes(new DeliveryRoute(new DeliveryPreparation(SenderResolver.from(settings), client.session(),
                settings.bool("relay.rewrite-from", false), new QueuedBodyFiles(settings.dataDir().resolve("delivery"),
                        streamThreshold)),
                new DeliveryOutcome(deadLetters, context.createProducerTemplate(), queueUri)));
        OperationsSetup.install(context, environment, broker, gate, deadLetters, metrics, clock);
        LOG.info("Relaying {} for {} to {}; tokens from {}; queue {}", settings.spoolDir().toAbsolutePath(),
                settings.aliasDomain(), smtp.describe(), environment.tokenService().client().describe(), broker);
    }

    private static BrokerSettings brokerSettings(RelaySettings settings) {
        BrokerSettings broker = BrokerSettings.defaults(settings.dataDir())
                .withQueues(settings.value("relay.broker.delivery-queue").orElse(BrokerSettings.DEFAULT_DELIVERY_QUEUE),
                        settings.value("relay.broker.dead-letter-queue").orElse(BrokerSettings.DEFAULT_DEAD_LETTER_QUEUE))
                .withRedelivery(settings.duration("relay.broker.redelivery-delay", BrokerSettings.DEFAULT_REDELIVERY_DELAY),
                        settings.value("relay.broker.redelivery-multiplier").map(Double::parseDouble)
                                .orElse(BrokerSettings.DEFAULT_REDELIVERY_MULTIPLIER),
                        settings.duration("relay.broker.max-redelivery-delay", BrokerSettings.DEFAULT_MAX_REDELIVERY_DELAY))
                .withDiskLimits(new DiskLimits(settings.value("relay.broker.max-disk-usage")
                        .map(DiskLimits::parsePercent).orElse(DiskLimits.DEFAULT_MAX_USAGE_PERCENT),
                        settings.duration("relay.broker.disk-scan-period", DiskLimits.DEFAULT_SCAN_PERIOD)));
        if (settings.value("relay.broker.url").isPresent()) {
            broker = broker.withExternalUrl(settings.value("relay.broker.url").get());
        }
        if (settings.value("relay.broker.user").isPresent()) {
            broker = broker.withCredentials(settings.value("relay.broker.user").get(),
                    settings.value("relay.broker.password").orElse(""));
        }
        if (settings.value("relay.broker.listen").isPresent()) {
            broker = broker.withListenUrl(settings.value("relay.broker.listen").get());
        }
        return broker;
    }

    private static List<Path> attachmentDirs(RelaySettings settings) {
        return settings.value(IntakeSettings.ATTACHMENT_DIRS_KEY)
                .map(dirs -> Arrays.stream(dirs.split(",")).map(String::trim).filter(d -> !d.isEmpty()).map(Path::of)
                        .toList())
                .orElse(List.of());
    }
}
