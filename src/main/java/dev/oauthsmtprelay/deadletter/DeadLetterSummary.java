package dev.oauthsmtprelay.deadletter;

import java.time.Instant;
import java.util.List;

/**
 * A dead letter without its message bytes, as {@link DeadLetterStore#list()} returns it (listing
 * does not load the messages). Fields as in {@link DeadLetter}; {@code mimeSize} is the message size in bytes.
 */
public record DeadLetterSummary(String id, String mailFrom, List<String> recipients, String senderMailbox,
                                String reason, String smtpReply, int attempts, Instant firstAttempt,
                                Instant lastAttempt, String source, long mimeSize) {

    public DeadLetterSummary {
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }
}
