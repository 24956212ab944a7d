package dev.oauthsmtprelay.ops.health;

import java.util.Map;

import jakarta.jms.Connection;
import org.apache.camel.health.HealthCheckResultBuilder;

import dev.oauthsmtprelay.queue.RelayBroker;

/** Ready while the queue can be used: the embedded broker is active, or the external one accepts a connection. */
public final class BrokerHealthCheck extends ReadinessCheck {

    private final RelayBroker broker;

    public BrokerHealthCheck(RelayBroker broker) {
        super("broker");
        this.broker = broker;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("queue", broker.deliveryQueue());
        if (broker.embeddedBroker().isPresent()) {
            builder.detail("broker", "embedded " + broker.embeddedBroker().get().brokerDir());
            builder.detail("restarts", broker.embeddedBroker().get().restarts());
            if (broker.embeddedBroker().get().isStarted()) {
                builder.up();
            } else {
                builder.down().message("The embedded broker is not running; see the log for why it stopped. After an "
                        + "I/O error on its journal the relay starts it again once relay.data.dir has room and can be "
                        + "written.");
            }
            return;
        }
        String url = broker.settings().externalUrl().orElse("?");
        builder.detail("broker", url);
        broker.connectedTo().ifPresent(address -> builder.detail("connectedTo", address));
        builder.detail("failovers", broker.failovers());
        try (Connection connection = broker.connectionFactory().createConnection()) {
            builder.up();
        } catch (Exception e) {
            builder.down().message("Cannot connect to the broker " + url + ": " + e.getMessage()
                    + ". Check that it runs and relay.broker.url, relay.broker.user and relay.broker.password.");
        }
    }
}
