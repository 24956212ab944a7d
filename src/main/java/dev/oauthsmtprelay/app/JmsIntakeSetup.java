package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.support.service.ServiceSupport;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.intake.jms.IntakeConnectionFactory;
import dev.oauthsmtprelay.intake.jms.JmsIntakeSettings;
import dev.oauthsmtprelay.intake.jms.JmsMessageIntake;
import dev.oauthsmtprelay.intake.jms.JmsRejection;
import dev.oauthsmtprelay.intake.jms.NamedConnectionFactory;
import dev.oauthsmtprelay.intake.parse.MessageParser;
import dev.oauthsmtprelay.ops.health.JmsIntakeHealthCheck;

/**
 * JMS intake ({@code relay.jms.*}), present only when {@code relay.jms.url} or {@code relay.jms.connection-factory}
 * is set: its own camel-jms component {@value #COMPONENT} on the intake broker's connection factory, and the beans
 * the route template {@code routes/jms-intake.yaml} and its error handling refer to.
 */
final class JmsIntakeSetup {

    static final String COMPONENT = "relayintake";
    static final String ARTEMIS_FACTORY_BEAN = "relayIntakeConnectionFactory";

    private final JmsIntakeSettings settings;
    private final String factoryBean;

    private JmsIntakeSetup(JmsIntakeSettings settings, String factoryBean) {
        this.settings = settings;
        this.factoryBean = factoryBean;
    }

    static Optional<JmsIntakeSetup> install(CamelContext context, RelaySettings relaySettings, MessageParser parser,
                                            DeadLetterStore deadLetterStore, Clock clock) throws Exception {
        Optional<JmsIntakeSettings> configured = JmsIntakeSettings.from(relaySettings);
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        JmsIntakeSettings settings = configured.get();
        String factoryBean = settings.connectionFactory().orElse(ARTEMIS_FACTORY_BEAN);
        ConnectionFactory factory;
        if (settings.url().isPresent()) {
            ActiveMQConnectionFactory artemis = IntakeConnectionFactory.artemis(settings);
            context.getRegistry().bind(ARTEMIS_FACTORY_BEAN, artemis);
            context.addService(new ClosingFactory(artemis), true, true);
            factory = artemis;
        } else {
            factory = new NamedConnectionFactory(context, factoryBean);
        }
        JmsComponent component = JmsComponent.jmsComponent(factory);
        if (settings.url().isEmpty() && settings.user().isPresent()) {
            // A vendor's factory bean: camel-jms logs in with relay.jms.user/password (createConnection(user, pw)).
            component.setUsername(settings.user().get());
            settings.password().ifPresent(component::setPassword);
        }
        context.addComponent(COMPONENT, component);
        context.getRegistry().bind("relayJmsIntake", new JmsMessageIntake(parser, clock,
                relaySettings.optional(RelayKeys.JMS_RECEIPTS).orElse(null)));
        context.getRegistry().bind("relayJmsRejection",
                new JmsRejection(deadLetterStore, settings.deadLetterQueue(), clock));
        return Optional.of(new JmsIntakeSetup(settings, factoryBean));
    }

    List<String> queues() {
        return settings.queues();
    }

    JmsIntakeHealthCheck healthCheck() {
        return new JmsIntakeHealthCheck(factoryBean, settings);
    }

    String describe() {
        return settings.describe();
    }

    /** Closes the Artemis factory's connections after the routes have stopped. */
    private static final class ClosingFactory extends ServiceSupport {
        private final ActiveMQConnectionFactory factory;

        ClosingFactory(ActiveMQConnectionFactory factory) {
            this.factory = factory;
        }

        @Override
        protected void doStop() {
            factory.close();
        }
    }
}
