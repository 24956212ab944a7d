package dev.oauthsmtprelay.intake.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * Strict RFC 5322 address parsing with jakarta.mail: every address must have a domain, and groups
 * ("Team: a@example.com, b@example.com;", "undisclosed-recipients:;") are expanded to their members.
 */
final class AddressParser {

    private static final String HOW_TO_WRITE = "write addresses as name@example.com or Name <name@example.com>, "
            + "separated by commas";

    private AddressParser() {
    }

    /**
     * @param where how the message names the place the addresses come from, e.g. {@code To} or {@code "cc"}
     */
    static List<InternetAddress> parseList(String where, String value) throws InvalidMessageException {
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parse(value, true);
        } catch (AddressException e) {
            throw invalid(where, value, e);
        }
        List<InternetAddress> addresses = new ArrayList<>();
        for (InternetAddress address : parsed) {
            try {
                if (address.isGroup()) {
                    for (InternetAddress member : address.getGroup(true)) {
                        member.validate();
                        addresses.add(member);
                    }
                } else {
                    address.validate();
                    addresses.add(address);
                }
            } catch (AddressException e) {
                throw invalid(where, address.toString(), e);
            }
        }
        return addresses;
    }

    static InternetAddress parseOne(String where, String value) throws InvalidMessageException {
        List<InternetAddress> addresses = parseList(where, value);
        if (addresses.size() != 1) {
            throw new InvalidMessageException("invalid address in " + where + ": \"" + shorten(value) + "\" must be "
                    + "exactly one address, found " + addresses.size() + "; give a single mailbox such as "
                    + "name@example.com");
        }
        return addresses.get(0);
    }

    private static InvalidMessageException invalid(String where, String value, AddressException e) {
        String reason = e.getMessage() == null ? "" : " (" + e.getMessage().toLowerCase(Locale.ROOT) + ")";
        return new InvalidMessageException("invalid address in " + where + ": \"" + shorten(value) + "\"" + reason
                + "; " + HOW_TO_WRITE, e);
    }

    private static String shorten(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200) + "...";
    }
}
