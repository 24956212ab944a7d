package dev.oauthsmtprelay.delivery.sender;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/**
 * {@code relay.rewrite-from}: when the relay logs in as a mailbox other than the From address, whether the From
 * header becomes that mailbox. Exchange refuses a From the mailbox may not send as ({@code 550 5.7.60},
 * {@code SendAsDenied}); Gmail rewrites it silently unless it is a "Send mail as" alias.
 *
 * @param mode    never, outside-domains (the default) or always
 * @param domains the domains the relay's accounts serve, lower case
 */
public record FromPolicy(Mode mode, Set<String> domains) {

    /** The key's three values; true/yes and false/no, the key's old values, mean always and never. */
    public enum Mode {
        /** Keep every From: the mailbox must have SendAs for the From addresses, or Exchange refuses. */
        NEVER,
        /** Rewrite a From in no served domain (QSYSOPR@ibmi.local); keep one in a served domain. */
        OUTSIDE_DOMAINS,
        /** Make every From the sender mailbox. */
        ALWAYS
    }

    public static FromPolicy of(String value, String... servedDomains) {
        Set<String> domains = new TreeSet<>();
        Arrays.stream(servedDomains).filter(d -> d != null && !d.isBlank())
                .forEach(d -> domains.add(d.trim().toLowerCase(Locale.ROOT)));
        return new FromPolicy(mode(value), domains);
    }

    /**
     * @param from    the From header's address (or MAIL FROM when the header is not read), may be null
     * @param mailbox the mailbox the relay logs in as
     */
    public boolean rewrites(String from, String mailbox) {
        if (from == null || from.equalsIgnoreCase(mailbox)) {
            return false;
        }
        return switch (mode) {
            case NEVER -> false;
            case ALWAYS -> true;
            case OUTSIDE_DOMAINS -> !domains.contains(domain(from));
        };
    }

    private static String domain(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).trim().toLowerCase(Locale.ROOT).replaceAll(">$", "");
    }

    private static Mode mode(String value) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "never", "false", "no" -> Mode.NEVER;
            case "outside-domains", "" -> Mode.OUTSIDE_DOMAINS;
            case "always", "true", "yes" -> Mode.ALWAYS;
            default -> throw new ConfigurationException(RelayKeys.REWRITE_FROM + "=" + value + " is not one of never, "
                    + "outside-domains (the default), always");
        };
    }
}
