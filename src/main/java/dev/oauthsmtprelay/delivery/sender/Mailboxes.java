package dev.oauthsmtprelay.delivery.sender;

import java.util.Locale;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** Small address helpers shared by the mapping file and the resolver. */
final class Mailboxes {

    private Mailboxes() {
    }

    /** True for a bare RFC 5322 mailbox such as {@code ops@example.com}: no display name, no angle brackets. */
    static boolean isBareAddress(String value) {
        if (value == null || value.indexOf('@') <= 0 || value.endsWith("@")) {
            return false;
        }
        try {
            InternetAddress address = new InternetAddress(value, true);
            address.validate();
            return address.getPersonal() == null && value.equals(address.getAddress());
        } catch (AddressException e) {
            return false;
        }
    }

    /** The text after the last {@code @}, lower-case; empty when there is none. */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** The text before the last {@code @} (the whole text when there is none), lower-case. */
    static String localPartOf(String address) {
        int at = address.lastIndexOf('@');
        return (at < 0 ? address : address.substring(0, at)).toLowerCase(Locale.ROOT);
    }

    /** Trims, takes the part inside {@code <...>} if present ("Name &lt;a@b&gt;"), and lower-cases. */
    static String normalise(String address) {
        if (address == null) {
            return "";
        }
        String value = address.trim();
        int open = value.lastIndexOf('<');
        int close = value.lastIndexOf('>');
        if (open >= 0 && close > open) {
            value = value.substring(open + 1, close).trim();
        }
        return value.toLowerCase(Locale.ROOT);
    }
}
