package dev.oauthsmtprelay.delivery.smtp;

import java.util.Locale;
import java.util.Optional;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Replies by which Microsoft 365 and Gmail say that a sending limit of the mailbox is reached. The message itself is
 * fine, so it waits and is tried again instead of becoming a dead letter, even when the reply is a 5xx (Microsoft
 * answers an exhausted daily quota with 554 5.2.0, Gmail with 550 5.4.5).
 *
 * <p>Microsoft's limits for SMTP AUTH submission (learn.microsoft.com, "Message storage and concurrent connection
 * throttling for SMTP Authenticated Submission"): three concurrent connections per mailbox, 30 messages a minute
 * (excess is delayed by Exchange, no error), 10,000 recipients a day.
 */
public final class SendingLimitReplies {

    public static final int MICROSOFT_MAX_CONNECTIONS = 3;

    private SendingLimitReplies() {
    }

    /** Whether the reply says the mailbox has used its daily sending limit (Exchange 5.2.0 quota, Gmail 5.4.5). */
    public static boolean dailyLimit(String reply) {
        if (reply == null) {
            return false;
        }
        String lower = reply.toLowerCase(Locale.ROOT);
        return microsoftDailyLimit(lower) || gmailDailyLimit(lower);
    }

    private static boolean microsoftDailyLimit(String lower) {
        return lower.contains("5.2.0") && lower.contains("submissionquotaexceeded");
    }

    private static boolean gmailDailyLimit(String lower) {
        return lower.contains("5.4.5") && (lower.contains("sending limit") || lower.contains("sending quota")
                || lower.contains("dailylimitexceeded"));
    }

    /** Why the hub refused, in words an operator can act on; empty when the reply is not about a sending limit. */
    public static Optional<String> explain(String reply, String mailbox) {
        if (reply == null) {
            return Optional.empty();
        }
        String lower = reply.toLowerCase(Locale.ROOT);
        if (lower.contains("4.3.2") && lower.contains("concurrent connections limit")) {
            return Optional.of("Microsoft 365 refused a message because more than " + MICROSOFT_MAX_CONNECTIONS
                    + " connections were sending as " + mailbox + " at the same time; the message will be retried. "
                    + "Set " + RelayKeys.SMTP_POOL_MAX_PER_MAILBOX + " to " + MICROSOFT_MAX_CONNECTIONS + " or less, "
                    + "divided by the number of relay instances (or other programs) sending as this mailbox.");
        }
        if (microsoftDailyLimit(lower)) {
            return Optional.of("Microsoft 365 says " + mailbox + " has reached its daily sending limit (10,000 "
                    + "recipients a day for SMTP AUTH); the message stays queued and is retried until the limit "
                    + "frees up or relay.delivery.max-age passes. To send more a day, spread the mail over several "
                    + "sender mailboxes (relay.users).");
        }
        if (gmailDailyLimit(lower)) {
            return Optional.of("Gmail says " + mailbox + " has reached its daily sending limit; the message stays "
                    + "queued and is retried until the limit frees up or relay.delivery.max-age passes. To send "
                    + "more a day, spread the mail over several sender mailboxes (relay.users).");
        }
        if (lower.contains("4.5.3") && lower.contains("too many recipients")) {
            return Optional.of("The hub takes fewer recipients per message than this one has (" + reply.trim()
                    + "); lower " + RelayKeys.DELIVERY_RECIPIENTS_PER_TRANSACTION + " (Gmail: 100) so that the rest "
                    + "goes in further transactions.");
        }
        return Optional.empty();
    }
}
