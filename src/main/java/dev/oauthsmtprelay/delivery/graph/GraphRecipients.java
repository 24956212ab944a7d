package dev.oauthsmtprelay.delivery.graph;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import dev.oauthsmtprelay.message.MimeHeaderSection;

/**
 * Graph sends to the message's To, Cc and Bcc fields; the relay delivers to the envelope. Envelope recipients that no
 * field names (Bcc, list expansions) are put in a Bcc field, which Graph strips from what the others receive. A field
 * recipient outside this attempt's envelope (a copy queued for the rest of a recipient list, or for those refused for
 * now) is taken out of this copy's To and Cc, so nobody receives the message twice. Only header fields change.
 */
final class GraphRecipients {

    private GraphRecipients() {
    }

    static byte[] matchEnvelope(byte[] mime, List<String> envelope) {
        MimeHeaderSection headers = MimeHeaderSection.read(mime);
        Set<String> wanted = new LinkedHashSet<>();
        envelope.forEach(address -> wanted.add(address.toLowerCase(Locale.ROOT)));
        List<InternetAddress> to;
        List<InternetAddress> cc;
        Set<String> bcc;
        try {
            to = parse(headers.values("To"));
            cc = parse(headers.values("Cc"));
            bcc = addresses(parse(headers.values("Bcc")));
        } catch (AddressException unreadable) {
            to = List.of();
            cc = List.of();
            bcc = Set.of();
        }
        Set<String> visible = addresses(to);
        visible.addAll(addresses(cc));
        List<String> hidden = wanted.stream().filter(address -> !visible.contains(address)).toList();
        boolean visibleOutside = visible.stream().anyMatch(address -> !wanted.contains(address));
        if (!visibleOutside && bcc.equals(new LinkedHashSet<>(hidden))) {
            return mime;
        }
        List<String> added = new ArrayList<>();
        if (visibleOutside) {
            field("To", kept(to, wanted), headers.lineEnding(), added);
            field("Cc", kept(cc, wanted), headers.lineEnding(), added);
        }
        field("Bcc", hidden.stream().map(GraphRecipients::address).toList(), headers.lineEnding(), added);
        boolean rewriteVisible = visibleOutside;
        return headers.rewrite(name -> !name.equalsIgnoreCase("Bcc")
                && !(rewriteVisible && (name.equalsIgnoreCase("To") || name.equalsIgnoreCase("Cc"))), added);
    }

    private static void field(String name, List<InternetAddress> addresses, String lineEnding, List<String> added) {
        if (!addresses.isEmpty()) {
            String folded = InternetAddress.toString(addresses.toArray(new InternetAddress[0]), name.length() + 2);
            added.add(name + ": " + folded.replace("\r\n", lineEnding));
        }
    }

    private static List<InternetAddress> kept(List<InternetAddress> field, Set<String> wanted) {
        return field.stream().filter(a -> wanted.contains(a.getAddress().toLowerCase(Locale.ROOT))).toList();
    }

    private static List<InternetAddress> parse(List<String> values) throws AddressException {
        List<InternetAddress> addresses = new ArrayList<>();
        for (String value : values) {
            for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                if (address.isGroup()) {
                    InternetAddress[] members = address.getGroup(false);
                    addresses.addAll(members == null ? List.of() : List.of(members));
                } else if (address.getAddress() != null) {
                    addresses.add(address);
                }
            }
        }
        return addresses;
    }

    private static Set<String> addresses(List<InternetAddress> field) {
        Set<String> addresses = new LinkedHashSet<>();
        field.forEach(address -> addresses.add(address.getAddress().toLowerCase(Locale.ROOT)));
        return addresses;
    }

    private static InternetAddress address(String address) {
        InternetAddress parsed = new InternetAddress();
        parsed.setAddress(address);
        return parsed;
    }
}
