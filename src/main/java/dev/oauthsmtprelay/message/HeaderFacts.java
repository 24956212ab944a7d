package dev.oauthsmtprelay.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * What the stages after intake need from a message's header section, read once by the intake's parser so that no
 * later step reads the header section again.
 *
 * @param from      the From header's addresses, in order (empty when there is no From)
 * @param subject   the first Subject field's value, unfolded and not decoded
 * @param automatic an automatic message (Auto-Submitted other than "no", or a multipart/report) never gets a
 *                  notification back, so two systems never answer each other forever
 */
public record HeaderFacts(List<String> from, Optional<String> subject, boolean automatic) {

    public HeaderFacts {
        from = List.copyOf(from);
        Objects.requireNonNull(subject, "subject");
    }

    /**
     * @param autoSubmitted the Auto-Submitted field's value, if any
     * @param contentType   the Content-Type field's value, if any
     */
    public static boolean automatic(Optional<String> autoSubmitted, Optional<String> contentType) {
        return autoSubmitted.filter(value -> !value.trim().equalsIgnoreCase("no")).isPresent()
                || contentType.filter(value -> value.trim().toLowerCase(Locale.ROOT).startsWith("multipart/report"))
                .isPresent();
    }

    /**
     * Reads the facts leniently from the bytes: for a message that did not come through the intake's parser. A From
     * that does not parse counts as none.
     */
    public static HeaderFacts read(byte[] mime) {
        MimeHeaderSection headers = MimeHeaderSection.read(mime);
        return new HeaderFacts(fromAddresses(headers.values("From")), first(headers.values("Subject")),
                automatic(first(headers.values("Auto-Submitted")), first(headers.values("Content-Type"))));
    }

    /** The addresses of these From fields, read leniently; a field that does not parse adds none. */
    public static List<String> fromAddresses(List<String> fields) {
        List<String> addresses = new ArrayList<>();
        for (String field : fields) {
            try {
                for (InternetAddress address : InternetAddress.parseHeader(field, false)) {
                    if (address.getAddress() != null) {
                        addresses.add(address.getAddress());
                    }
                }
            } catch (AddressException e) {
                // lenient: this field names no address the relay can use
            }
        }
        return addresses;
    }

    /** The first From address, the one relay.rewrite-from judges. */
    public Optional<String> firstFrom() {
        return from.stream().findFirst();
    }

    private static Optional<String> first(List<String> values) {
        return values.stream().findFirst();
    }
}
