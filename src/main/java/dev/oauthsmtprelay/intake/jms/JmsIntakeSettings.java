package dev.oauthsmtprelay.intake.jms;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.oauthsmtprelay.config.ConfigurationException;
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

    public static final String URL = "relay.jms.url";
    public static final String USER = "relay.jms.user";
    public static final String PASSWORD = "relay.jms.password";
    public static final String CONNECTION_FACTORY = "relay.jms.connection-factory";
    public static final String QUEUES = "relay.jms.queues";
    public static final String DEAD_LETTER_QUEUE = "relay.jms.dead-letter-queue";
    public static final String CONCURRENCY = "relay.jms.concurrency";
    public static final String DEFAULT_DEAD_LETTER_QUEUE = "relay.intake.invalid";
    public static final int DEFAULT_CONCURRENCY = 4;

    /** @return empty when neither {@code relay.jms.url} nor {@code relay.jms.connection-factory} is set */
    public static Optional<JmsIntakeSettings> from(RelaySettings settings) {
        Optional<String> url = settings.value(URL).map(String::trim).filter(v -> !v.isEmpty());
        Optional<String> factory = settings.value(CONNECTION_FACTORY).map(String::trim).filter(v -> !v.isEmpty())
                .map(v -> v.startsWith("#") ? v.substring(1) : v);
        if (url.isEmpty() && factory.isEmpty()) {
            return Optional.empty();
        }
        if (url.isPresent() && factory.isPresent()) {
            throw new ConfigurationException(URL + " and " + CONNECTION_FACTORY + " are both set; set " + URL
                    + " for an ActiveMQ Artemis broker, or " + CONNECTION_FACTORY + " for a factory bean of any "
                    + "vendor (see docs/jms.md), not both");
        }
        List<String> queues = Arrays.stream(settings.value(QUEUES).orElse("").split(","))
                .map(String::trim).filter(q -> !q.isEmpty()).distinct().toList();
        if (queues.isEmpty()) {
            throw new ConfigurationException(QUEUES + " is not set: JMS intake is on (" + url.map(u -> URL + "=" + u)
                    .orElse(CONNECTION_FACTORY + " is set") + "), so name the queue(s) to take messages from, "
                    + "comma-separated, e.g. " + QUEUES + "=mail.outgoing");
        }
        String deadLetterQueue = settings.value(DEAD_LETTER_QUEUE).map(String::trim).filter(v -> !v.isEmpty())
                .orElse(DEFAULT_DEAD_LETTER_QUEUE);
        if (queues.contains(deadLetterQueue)) {
            throw new ConfigurationException(DEAD_LETTER_QUEUE + " (" + deadLetterQueue + ") is also listed in "
                    + QUEUES + "; invalid messages would be taken again forever. Give the dead-letter queue "
                    + "another name");
        }
        String concurrencyText = settings.value(CONCURRENCY).map(String::trim).orElse(String.valueOf(DEFAULT_CONCURRENCY));
        int concurrency;
        try {
            concurrency = Integer.parseInt(concurrencyText);
        } catch (NumberFormatException e) {
            concurrency = 0;
        }
        if (concurrency < 1) {
            throw new ConfigurationException(CONCURRENCY + "=" + concurrencyText + " is not a positive whole number; "
                    + "set the consumers per queue, e.g. " + CONCURRENCY + "=" + DEFAULT_CONCURRENCY);
        }
        return Optional.of(new JmsIntakeSettings(url, settings.value(USER).filter(v -> !v.isBlank()),
                settings.value(PASSWORD).filter(v -> !v.isEmpty()), factory, queues, deadLetterQueue, concurrency));
    }

    /** Where messages come from, for the log (no password). */
    public String describe() {
        return queues + " on " + url.orElse("#" + connectionFactory.orElse("?")) + user.map(u -> " as " + u).orElse("");
    }
}
