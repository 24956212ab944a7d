package dev.oauthsmtprelay.message;

import java.util.List;

/**
 * An envelope given by the caller next to the message (for example JMS properties) that takes
 * precedence over the headers. A {@code null} mailFrom or an empty recipient list means "take it
 * from the headers". Given recipients replace the header recipients entirely; the Bcc header is
 * removed from the sent bytes either way.
 */
public record EnvelopeOverride(String mailFrom, List<String> recipients) {

    /**
     * A header naming the envelope recipients of a spool file or JMS message, replacing those of To, Cc and Bcc
     * (an envelope given next to the message still wins). {@code dead-letter retry} writes it so that a message
     * goes again only to the recipients that did not get it; it is removed before sending.
     */
    public static final String HEADER = "X-Relay-Envelope-To";

    private static final EnvelopeOverride NONE = new EnvelopeOverride(null, List.of());

    public EnvelopeOverride {
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    public static EnvelopeOverride none() {
        return NONE;
    }

    public boolean hasMailFrom() {
        return mailFrom != null && !mailFrom.isBlank();
    }

    public boolean hasRecipients() {
        return !recipients.isEmpty();
    }
}
