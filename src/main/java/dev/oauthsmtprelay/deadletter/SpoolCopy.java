package dev.oauthsmtprelay.deadletter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * The dead letter's message as a spool file whose headers carry its envelope. Spool intake takes
 * RCPT TO from To, Cc and Bcc (and removes Bcc before sending); the stored message has no Bcc, so
 * every envelope recipient that To and Cc do not name is written into a new Bcc field. A Bcc
 * field already present is replaced. The body bytes are not touched.
 */
record SpoolCopy(byte[] mime, List<String> addedBcc, List<String> headerRecipientsNotInEnvelope) {

    private static final int FOLD_AT = 78;

    static SpoolCopy of(byte[] mime, List<String> recipients) {
        MimeHeaderSection headers = MimeHeaderSection.read(mime);
        Map<String, String> inHeaders = new LinkedHashMap<>();
        for (String name : List.of("To", "Cc")) {
            for (String value : headers.values(name)) {
                addresses(value).forEach(address -> inHeaders.putIfAbsent(address.toLowerCase(Locale.ROOT), address));
            }
        }
        Map<String, String> inEnvelope = new LinkedHashMap<>();
        recipients.forEach(address -> inEnvelope.putIfAbsent(address.toLowerCase(Locale.ROOT), address));

        List<String> bcc = inEnvelope.entrySet().stream()
                .filter(e -> !inHeaders.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
        List<String> notInEnvelope = inEnvelope.isEmpty() ? List.of() : inHeaders.entrySet().stream()
                .filter(e -> !inEnvelope.containsKey(e.getKey())).map(Map.Entry::getValue).toList();
        boolean hasBcc = !headers.values("Bcc").isEmpty();
        if (bcc.isEmpty() && !hasBcc) {
            return new SpoolCopy(mime, bcc, notInEnvelope);
        }
        List<String> added = bcc.isEmpty() ? List.of() : List.of(bccField(bcc, headers.lineEnding()));
        byte[] rewritten = headers.rewrite(name -> !name.equalsIgnoreCase("Bcc"), added);
        return new SpoolCopy(rewritten, bcc, notInEnvelope);
    }

    /** Addresses of a To or Cc value, groups expanded; a value that does not parse contributes none. */
    private static List<String> addresses(String value) {
        List<String> addresses = new ArrayList<>();
        try {
            for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                if (address.isGroup()) {
                    for (InternetAddress member : address.getGroup(false)) {
                        add(addresses, member);
                    }
                } else {
                    add(addresses, address);
                }
            }
        } catch (AddressException e) {
            // The intake will reject the malformed header itself; the envelope goes to Bcc in full.
        }
        return addresses;
    }

    private static void add(List<String> addresses, InternetAddress address) {
        if (address.getAddress() != null && !address.getAddress().isBlank()) {
            addresses.add(address.getAddress());
        }
    }

    /** "Bcc: a, b, ..." folded before an address that would make a line longer than 78 characters. */
    private static String bccField(List<String> addresses, String lineEnding) {
        StringBuilder field = new StringBuilder("Bcc: ");
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
