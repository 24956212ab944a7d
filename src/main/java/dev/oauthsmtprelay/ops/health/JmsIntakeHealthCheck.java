package dev.oauthsmtprelay.ops.health;

import java.util.Map;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.health.HealthCheckResultBuilder;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.intake.jms.JmsIntakeSettings;

/**
 * Ready while the JMS intake broker accepts a connection (only with {@code relay.jms.*}). While it does not, the
 * producers' messages wait on that broker and the intake routes keep reconnecting; nothing else of the relay stops.
 */
public final class JmsIntakeHealthCheck extends ReadinessCheck {

    private final String factoryBean;
    private final JmsIntakeSettings settings;

    /** @param factoryBean the registry name of the intake's connection factory */
    public JmsIntakeHealthCheck(String factoryBean, JmsIntakeSettings settings) {
        super("jms-intake");
        this.factoryBean = factoryBean;
        this.settings = settings;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String broker = settings.url().orElse("#" + factoryBean);
        builder.detail("broker", broker);
        builder.detail("queues", String.join(", ", settings.queues()));
        ConnectionFactory factory = getCamelContext().getRegistry().lookupByNameAndType(factoryBean,
                ConnectionFactory.class);
        if (factory == null) {
            builder.down().message("No JMS connection factory named " + factoryBean + " in the registry; bind one "
                    + "with camel.beans." + factoryBean + "=... or correct " + RelayKeys.JMS_CONNECTION_FACTORY
                    + ".");
            return;
        }
        try (Connection connection = connect(factory)) {
            builder.up();
        } catch (Exception e) {
            builder.down().message("Cannot connect to the JMS intake broker " + broker + ": " + e.getMessage()
                    + ". Messages on " + String.join(", ", settings.queues()) + " wait there until it is reachable; "
                    + "check that it runs and " + RelayKeys.JMS_URL + ", " + RelayKeys.JMS_USER + " and "
                    + RelayKeys.JMS_PASSWORD + ".");
        }
    }

    /** A vendor's factory bean logs in with relay.jms.user/password, as the intake routes do. */
    private Connection connect(ConnectionFactory factory) throws Exception {
        if (settings.url().isEmpty() && settings.user().isPresent()) {
            return factory.createConnection(settings.user().get(), settings.password().orElse(""));
        }
        return factory.createConnection();
    }
}
