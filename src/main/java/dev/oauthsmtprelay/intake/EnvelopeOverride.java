package dev.oauthsmtprelay.intake;

import java.util.List;

/**
 * An envelope given by the caller next to the message (for example JMS properties) that takes
 * precedence over the headers. A {@code null} mailFrom or an empty recipient list means "take it
 * from the headers". Given recipients replace the header recipients entirely; the Bcc header is
 * removed from the sent bytes either way.
 */
public record EnvelopeOverride(String mailFrom, List<String> recipients) {

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
