package dev.oauthsmtprelay.deadletter;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A message the relay gave up on, with what an administrator needs to act on it.
 *
 * @param id            file-name-safe id (see {@link DeadLetterIds}); the same id written again overwrites
 * @param mime          the message exactly as it was to be sent (not copied: do not modify the array)
 * @param mailFrom      envelope sender (MAIL FROM); empty when the message had none
 * @param recipients    envelope recipients (RCPT TO) that were not delivered
 * @param senderMailbox mailbox the relay authenticated as, or null when none could be resolved
 * @param reason        human text naming the cause and the fix
 * @param smtpReply     the hub's reply, e.g. "550 5.1.1 user unknown", or null when the hub did not answer
 * @param attempts      delivery attempts made
 * @param firstAttempt  first delivery attempt
 * @param lastAttempt   last delivery attempt (the time the message became a dead letter)
 * @param source        where the message came from, e.g. "spool:invoice-42.eml" or "jms:queue"
 */
public record DeadLetter(String id, byte[] mime, String mailFrom, List<String> recipients, String senderMailbox,
                         String reason, String smtpReply, int attempts, Instant firstAttempt, Instant lastAttempt,
                         String source) {

    public DeadLetter {
        DeadLetterIds.requireValid(id);
        Objects.requireNonNull(mime, "mime");
        mailFrom = mailFrom == null ? "" : mailFrom;
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
        Objects.requireNonNull(reason, "reason");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + attempts);
        }
        Objects.requireNonNull(firstAttempt, "firstAttempt");
        Objects.requireNonNull(lastAttempt, "lastAttempt");
        source = source == null || source.isBlank() ? "unknown" : source;
    }

    /** Everything but the message bytes. */
    public DeadLetterSummary summary() {
        return new DeadLetterSummary(id, mailFrom, recipients, senderMailbox, reason, smtpReply, attempts,
                firstAttempt, lastAttempt, source, mime.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeadLetter that
                && summary().equals(that.summary())
                && Arrays.equals(mime, that.mime);
    }

    @Override
    public int hashCode() {
        return 31 * summary().hashCode() + Arrays.hashCode(mime);
    }

    @Override
    public String toString() {
        return "DeadLetter[" + summary() + "]";
    }
}
