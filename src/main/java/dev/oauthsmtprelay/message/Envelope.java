package dev.oauthsmtprelay.message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The SMTP envelope of a message: MAIL FROM (a bare address), the RCPT TO list and the message's
 * Message-ID (for logs and dead letters). Recipients are de-duplicated ignoring case, first
 * spelling and order kept, so a mailbox named in both To and Bcc receives one copy.
 */
public record Envelope(String mailFrom, List<String> recipients, String messageId) {

    public Envelope {
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(recipients, "recipients");
        Objects.requireNonNull(messageId, "messageId");
        recipients = distinctIgnoringCase(recipients);
    }

    private static List<String> distinctIgnoringCase(List<String> addresses) {
        Set<String> seen = new HashSet<>();
        List<String> distinct = new ArrayList<>(addresses.size());
        for (String address : addresses) {
            if (seen.add(address.toLowerCase(Locale.ROOT))) {
                distinct.add(address);
            }
        }
        return List.copyOf(distinct);
    }
}
