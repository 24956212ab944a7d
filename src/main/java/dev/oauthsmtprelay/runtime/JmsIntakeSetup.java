package dev.oauthsmtprelay.runtime;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.support.service.ServiceSupport;

import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.health.JmsIntakeHealthCheck;
import dev.oauthsmtprelay.intake.MessageParser;
import dev.oauthsmtprelay.jms.IntakeConnectionFactory;
import dev.oauthsmtprelay.jms.JmsIntakeSettings;
import dev.oauthsmtprelay.jms.JmsMessageIntake;
import dev.oauthsmtprelay.jms.JmsRejection;
import dev.oauthsmtprelay.routes.JmsIntakeRoute;

/**
 * JMS intake ({@code relay.jms.*}), present only when {@code relay.jms.url} or {@code relay.jms.connection-factory}
 * is set: its own camel-jms component ({@value JmsIntakeRoute#COMPONENT}), the connection factory, the rejection of
 * invalid messages and the routes.
 */
final class JmsIntakeSetup {

    static final String ARTEMIS_FACTORY_BEAN = "relayIntakeConnectionFactory";

    private final JmsIntakeSettings settings;
    private final String factoryBean;
    private final JmsRejection rejection;
    private final JmsIntakeRoute routes;

    private JmsIntakeSetup(JmsIntakeSettings settings, String factoryBean, JmsRejection rejection,
                           JmsIntakeRoute routes) {
        this.settings = settings;
        this.factoryBean = factoryBean;
        this.rejection = rejection;
        this.routes = routes;
    }

    /**
     * Registers the component (and, for {@code relay.jms.url}, the Artemis connection factory). A factory bean named
     * by {@code relay.jms.connection-factory} is looked up when the routes start, so beans that camel-main binds
     * from {@code camel.beans.*} are found whatever the order of configuration.
     */
    static Optional<JmsIntakeSetup> install(CamelContext context, RelaySettings relaySettings, MessageParser parser,
                                            DeadLetterStore deadLetterStore, String deliveryQueueUri, Clock clock)
            throws Exception {
        Optional<JmsIntakeSettings> configured = JmsIntakeSettings.from(relaySettings);
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        JmsIntakeSettings settings = configured.get();
        String factoryBean = settings.connectionFactory().orElse(ARTEMIS_FACTORY_BEAN);
        if (settings.url().isPresent()) {
            ActiveMQConnectionFactory factory = IntakeConnectionFactory.artemis(settings);
            context.getRegistry().bind(ARTEMIS_FACTORY_BEAN, factory);
            context.addService(new ClosingFactory(factory), true, true);
        }
        JmsComponent component = new JmsComponent();
        if (settings.url().isEmpty() && settings.user().isPresent()) {
            // A vendor's factory bean: camel-jms logs in with relay.jms.user/password (createConnection(user, pw)).
            component.setUsername(settings.user().get());
            settings.password().ifPresent(component::setPassword);
        }
        context.addComponent(JmsIntakeRoute.COMPONENT, component);
        JmsRejection rejection = new JmsRejection(deadLetterStore, JmsIntakeRoute.COMPONENT + ":queue:"
                + settings.deadLetterQueue() + "?connectionFactory=#" + factoryBean, clock);
        Map<String, JmsMessageIntake> intakeByQueue = new LinkedHashMap<>();
        settings.queues().forEach(queue -> intakeByQueue.put(queue, new JmsMessageIntake(parser, queue, clock)));
        return Optional.of(new JmsIntakeSetup(settings, factoryBean, rejection,
                new JmsIntakeRoute(intakeByQueue, factoryBean, settings.concurrency(), deliveryQueueUri)));
    }

    JmsRejection rejection() {
        return rejection;
    }

    JmsIntakeRoute routes() {
        return routes;
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
