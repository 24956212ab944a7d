package dev.oauthsmtprelay.delivery.smtp;

import java.time.Duration;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelaySettings;

/**
 * How authenticated hub connections are kept for reuse.
 *
 * @param maxPerMailbox          connections open at once per sender mailbox (in use or idle)
 * @param idleTimeout            an idle connection older than this is closed instead of reused
 * @param maxMessagesPerConnection a connection is closed after this many messages
 * @param tokenMargin            a connection whose token expires within this time is replaced
 * @param acquireTimeout         how long a delivery waits for a free connection of its mailbox
 */
public record SmtpPoolSettings(int maxPerMailbox, Duration idleTimeout, int maxMessagesPerConnection,
                               Duration tokenMargin, Duration acquireTimeout) {

    public static final String MAX_PER_MAILBOX_KEY = "relay.smtp.pool.max-per-mailbox";
    public static final String IDLE_TIMEOUT_KEY = "relay.smtp.pool.idle-timeout";
    public static final String MAX_MESSAGES_KEY = "relay.smtp.pool.max-messages-per-connection";
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(1);
    private static final Duration ACQUIRE_TIMEOUT = Duration.ofMinutes(2);

    public static SmtpPoolSettings defaults() {
        // 3: Microsoft 365 refuses a fourth concurrent connection of a mailbox (SendingLimitReplies)
        return new SmtpPoolSettings(SendingLimitReplies.MICROSOFT_MAX_CONNECTIONS, Duration.ofSeconds(30), 1000,
                TOKEN_MARGIN, ACQUIRE_TIMEOUT);
    }

    public static SmtpPoolSettings from(RelaySettings settings) {
        SmtpPoolSettings d = defaults();
        // The margin must stay below the token cache's refresh-ahead: a reconnect within it would
        // otherwise get the same, still cached token and reconnect again on every message.
        Duration refreshAhead = settings.tokenRefreshAhead();
        Duration margin = refreshAhead.compareTo(TOKEN_MARGIN) < 0 ? refreshAhead.dividedBy(2) : TOKEN_MARGIN;
        return new SmtpPoolSettings(positive(settings, MAX_PER_MAILBOX_KEY, d.maxPerMailbox()),
                settings.duration(IDLE_TIMEOUT_KEY, d.idleTimeout()),
                positive(settings, MAX_MESSAGES_KEY, d.maxMessagesPerConnection()), margin, ACQUIRE_TIMEOUT);
    }

    public SmtpPoolSettings withIdleTimeout(Duration timeout) {
        return new SmtpPoolSettings(maxPerMailbox, timeout, maxMessagesPerConnection, tokenMargin, acquireTimeout);
    }

    public SmtpPoolSettings withMaxMessagesPerConnection(int max) {
        return new SmtpPoolSettings(maxPerMailbox, idleTimeout, max, tokenMargin, acquireTimeout);
    }

    public SmtpPoolSettings withMaxPerMailbox(int max) {
        return new SmtpPoolSettings(max, idleTimeout, maxMessagesPerConnection, tokenMargin, acquireTimeout);
    }

    private static int positive(RelaySettings settings, String key, int defaultValue) {
        String raw = settings.value(key).orElse(null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException("Configuration key '" + key + "' must be a whole number of at least 1, but is '"
                + raw + "'.");
    }
}
