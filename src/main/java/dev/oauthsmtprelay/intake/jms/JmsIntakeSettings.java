package dev.oauthsmtprelay.intake.jms;

import java.util.List;
import java.util.Optional;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;

/**
 * Intake from queues on an existing broker ({@code relay.jms.*}).
 *
 * @param url               {@code relay.jms.url}: an ActiveMQ Artemis broker URL; empty when a factory bean is used
 * @param user              {@code relay.jms.user}
 * @param password          {@code relay.jms.password}
 * @param connectionFactory {@code relay.jms.connection-factory}: name of a {@code jakarta.jms.ConnectionFactory} bean
 *                          (without the leading {@code #}); empty when {@code url} is used
 * @param queues            {@code relay.jms.queues}: the queues taken from
 * @param deadLetterQueue   {@code relay.jms.dead-letter-queue}: where invalid messages go, on the same broker
 * @param concurrency       {@code relay.jms.concurrency}: consumers per queue
 */
public record JmsIntakeSettings(Optional<String> url, Optional<String> user, Optional<String> password,
                                Optional<String> connectionFactory, List<String> queues, String deadLetterQueue,
                                int concurrency) {

    /** @return empty when neither {@code relay.jms.url} nor {@code relay.jms.connection-factory} is set */
    public static Optional<JmsIntakeSettings> from(RelaySettings settings) {
        Optional<String> url = settings.optional(RelayKeys.JMS_URL);
        Optional<String> factory = settings.optional(RelayKeys.JMS_CONNECTION_FACTORY)
                .map(v -> v.startsWith("#") ? v.substring(1) : v);
        if (url.isEmpty() && factory.isEmpty()) {
            return Optional.empty();
        }
        if (url.isPresent() && factory.isPresent()) {
            throw new ConfigurationException(RelayKeys.JMS_URL + " and " + RelayKeys.JMS_CONNECTION_FACTORY
                    + " are both set; set " + RelayKeys.JMS_URL + " for an ActiveMQ Artemis broker, or "
                    + RelayKeys.JMS_CONNECTION_FACTORY + " for a factory bean of any vendor (see docs/jms.md), not both");
        }
        List<String> queues = settings.optional(RelayKeys.JMS_QUEUES).orElse(List.of()).stream().distinct().toList();
        if (queues.isEmpty()) {
            throw new ConfigurationException(RelayKeys.JMS_QUEUES + " is not set: JMS intake is on ("
                    + url.map(u -> RelayKeys.JMS_URL + "=" + u).orElse(RelayKeys.JMS_CONNECTION_FACTORY + " is set")
                    + "), so name the queue(s) to take messages from, comma-separated, e.g. " + RelayKeys.JMS_QUEUES
                    + "=mail.outgoing");
        }
        String deadLetterQueue = settings.get(RelayKeys.JMS_DEAD_LETTER_QUEUE);
        if (queues.contains(deadLetterQueue)) {
            throw new ConfigurationException(RelayKeys.JMS_DEAD_LETTER_QUEUE + " (" + deadLetterQueue
                    + ") is also listed in " + RelayKeys.JMS_QUEUES + "; invalid messages would be taken again forever. "
                    + "Give the dead-letter queue another name");
        }
        return Optional.of(new JmsIntakeSettings(url, settings.optional(RelayKeys.JMS_USER),
                settings.optional(RelayKeys.JMS_PASSWORD), factory, queues, deadLetterQueue,
                settings.get(RelayKeys.JMS_CONCURRENCY)));
    }

    /** Where messages come from, for the log (no password). */
    public String describe() {
        return queues + " on " + url.orElse("#" + connectionFactory.orElse("?")) + user.map(u -> " as " + u).orElse("");
    }
}
