package dev.oauthsmtprelay.intake.jms;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import dev.oauthsmtprelay.config.RelayKeys;

/** The connection factory for {@code relay.jms.url}: ActiveMQ Artemis (core protocol), set up for intake. */
public final class IntakeConnectionFactory {

    private IntakeConnectionFactory() {
    }

    public static ActiveMQConnectionFactory artemis(JmsIntakeSettings settings) {
        String url = settings.url().orElseThrow(() -> new IllegalArgumentException(RelayKeys.JMS_URL + " is not set"));
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        settings.user().ifPresent(factory::setUser);
        settings.password().ifPresent(factory::setPassword);
        // Invalid messages are sent to the dead-letter queue; that send must be on disk before the intake commits.
        factory.setBlockOnDurableSend(true);
        // No client-side buffer: several relay instances on one intake queue then share its messages fairly, and
        // a relay that dies holds at most the messages it is working on.
        factory.setConsumerWindowSize(0);
        // A broker restart or network blip: reconnect forever, 1 s -> 30 s apart; the listener container also
        // recovers by itself when the very first connect fails.
        factory.setReconnectAttempts(-1);
        factory.setRetryInterval(1_000);
        factory.setRetryIntervalMultiplier(2.0);
        factory.setMaxRetryInterval(30_000);
        return factory;
    }
}
