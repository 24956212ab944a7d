package dev.oauthsmtprelay.deadletter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.oauthsmtprelay.message.EnvelopeOverride;
import dev.oauthsmtprelay.message.MimeHeaderSection;

/**
 * The dead letter's message as a spool file that goes again only to the recipients of the failed delivery:
 * they are written into an {@code X-Relay-Envelope-To} header, which spool intake takes as the envelope instead
 * of To, Cc and Bcc and removes before sending. Without it, a message whose other recipients had already
 * accepted it would reach them a second time. Bcc and an older X-Relay-Envelope-To are removed; the body bytes
 * are not touched. A dead letter without recorded recipients goes back unchanged (recipients from its headers).
 */
record SpoolCopy(byte[] mime, List<String> recipients) {

    private static final int FOLD_AT = 78;

    static SpoolCopy of(byte[] mime, List<String> recipients) {
        Map<String, String> unique = new LinkedHashMap<>();
        recipients.forEach(address -> unique.putIfAbsent(address.toLowerCase(Locale.ROOT), address));
        List<String> envelope = List.copyOf(unique.values());
        if (envelope.isEmpty()) {
            return new SpoolCopy(mime, envelope);
        }
        MimeHeaderSection headers = MimeHeaderSection.read(mime);
        byte[] rewritten = headers.rewrite(
                name -> !name.equalsIgnoreCase("Bcc") && !name.equalsIgnoreCase(EnvelopeOverride.HEADER),
                List.of(envelopeField(envelope, headers.lineEnding())));
        return new SpoolCopy(rewritten, envelope);
    }

    /** "X-Relay-Envelope-To: a, b, ..." folded before an address that would make a line longer than 78 characters. */
    private static String envelopeField(List<String> addresses, String lineEnding) {
        StringBuilder field = new StringBuilder(EnvelopeOverride.HEADER).append(": ");
        int lineLength = field.length();
        for (int i = 0; i < addresses.size(); i++) {
            String item = addresses.get(i) + (i < addresses.size() - 1 ? "," : "");
            if (i > 0) {
                if (lineLength + 1 + item.length() > FOLD_AT) {
                    field.append(lineEnding).append(' ');
                    lineLength = 1;
                } else {
                    field.append(' ');
                    lineLength++;
                }
            }
            field.append(item);
            lineLength += item.length();
        }
        return field.toString();
    }
}
