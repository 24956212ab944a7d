package dev.oauthsmtprelay.delivery.sender;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import dev.oauthsmtprelay.message.MimeHeaderSection;

/**
 * The From header becomes the sender mailbox the relay logs in as, when {@link FromPolicy} says so (Exchange refuses
 * a From the mailbox may not send as). The original From is kept as Reply-To when the message has none, so answers
 * still reach the original sender. The body is not touched.
 */
public final class FromRewrite {

    private FromRewrite() {
    }

    /** The first address of the From header, read leniently; empty when there is none that parses. */
    public static Optional<String> fromAddress(byte[] mime) {
        List<String> from = MimeHeaderSection.read(mime).values("From");
        if (from.isEmpty()) {
            return Optional.empty();
        }
        try {
            InternetAddress[] addresses = InternetAddress.parseHeader(from.get(0), false);
            return addresses.length == 0 ? Optional.empty() : Optional.ofNullable(addresses[0].getAddress());
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    public static byte[] apply(byte[] mime, String mailbox) {
        MimeHeaderSection headers = MimeHeaderSection.read(mime);
        List<String> added = new ArrayList<>();
        added.add("From: " + mailbox);
        List<String> from = headers.values("From");
        if (headers.values("Reply-To").isEmpty() && !from.isEmpty()) {
            added.add("Reply-To: " + from.get(0));
        }
        return headers.rewrite(name -> !name.equalsIgnoreCase("From"), added);
    }
}
