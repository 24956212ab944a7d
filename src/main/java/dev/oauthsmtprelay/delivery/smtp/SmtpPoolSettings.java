package dev.oauthsmtprelay.delivery.smtp;

import java.time.Duration;

import dev.oauthsmtprelay.config.RelayKeys;
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

    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(1);
    private static final Duration ACQUIRE_TIMEOUT = Duration.ofMinutes(2);

    /** The table's defaults, for a pool built without a Camel context. */
    public static SmtpPoolSettings defaults() {
        return new SmtpPoolSettings(RelayKeys.SMTP_POOL_MAX_PER_MAILBOX.defaultValue(),
                RelayKeys.SMTP_POOL_IDLE_TIMEOUT.defaultValue(),
                RelayKeys.SMTP_POOL_MAX_MESSAGES_PER_CONNECTION.defaultValue(), TOKEN_MARGIN, ACQUIRE_TIMEOUT);
    }

    public static SmtpPoolSettings from(RelaySettings settings) {
        // The margin must stay below the token cache's refresh-ahead: a reconnect within it would
        // otherwise get the same, still cached token and reconnect again on every message.
        Duration refreshAhead = settings.get(RelayKeys.TOKEN_REFRESH_AHEAD);
        Duration margin = refreshAhead.compareTo(TOKEN_MARGIN) < 0 ? refreshAhead.dividedBy(2) : TOKEN_MARGIN;
        return new SmtpPoolSettings(settings.get(RelayKeys.SMTP_POOL_MAX_PER_MAILBOX),
                settings.get(RelayKeys.SMTP_POOL_IDLE_TIMEOUT),
                settings.get(RelayKeys.SMTP_POOL_MAX_MESSAGES_PER_CONNECTION), margin, ACQUIRE_TIMEOUT);
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
}
