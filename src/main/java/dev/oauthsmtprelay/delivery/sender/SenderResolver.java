package dev.oauthsmtprelay.delivery.sender;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;

/**
 * Decides which mailbox the relay authenticates as (the XOAUTH2 user and MAIL FROM) for a
 * message's From address. The first rule that applies wins:
 * <ol>
 *   <li>relay.users maps the full From address, else its local part (an IBM i user profile);</li>
 *   <li>the From address is in the alias domain (relay.alias-domain) or another domain a credentials
 *       file serves (exactly that domain, subdomains do not count): it sends as itself;</li>
 *   <li>relay.default-sender;</li>
 *   <li>nothing: the caller dead-letters the message with {@link #noSenderReason(String)}.</li>
 * </ol>
 * Mailboxes are returned lower-case.
 */
public final class SenderResolver {

    private final UserMapping users;
    private final String aliasDomain;
    private final List<String> servedDomains;
    private final String defaultSender;

    /**
     * @param defaultSender relay.default-sender, or null when not set
     * @throws ConfigurationException when the default sender is not a mailbox of the alias domain
     */
    public SenderResolver(UserMapping users, String aliasDomain, String defaultSender) {
        this(users, List.of(Objects.requireNonNull(aliasDomain, "aliasDomain")), defaultSender);
    }

    /**
     * @param servedDomains the domains the relay's accounts serve, relay.alias-domain first; a From address in any
     *                      of them sends as itself
     */
    public SenderResolver(UserMapping users, List<String> servedDomains, String defaultSender) {
        this.users = Objects.requireNonNull(users, "users");
        this.servedDomains = servedDomains.stream().map(d -> d.trim().toLowerCase(Locale.ROOT)).toList();
        this.aliasDomain = this.servedDomains.get(0);
        this.defaultSender = defaultSender == null || defaultSender.isBlank() ? null
                : checkedDefaultSender(defaultSender.trim(), this.aliasDomain, this.servedDomains);
    }

    /**
     * Reads relay.alias-domain, relay.users (optional) and relay.default-sender (optional).
     *
     * @throws ConfigurationException for a missing alias domain, an invalid mapping file or default sender
     */
    public static SenderResolver from(RelaySettings settings) {
        return from(settings, List.of(settings.aliasDomain()));
    }

    /** As {@link #from(RelaySettings)}, for accounts that serve these domains (relay.alias-domain first). */
    public static SenderResolver from(RelaySettings settings, List<String> servedDomains) {
        UserMapping users = settings.optional(RelayKeys.USERS)
                .map(file -> UserMapping.load(file, servedDomains))
                .orElse(UserMapping.empty());
        return new SenderResolver(users, servedDomains, settings.defaultSender().orElse(null));
    }

    private static String checkedDefaultSender(String value, String aliasDomain, List<String> servedDomains) {
        if (!Mailboxes.isBareAddress(value)) {
            throw new ConfigurationException(RelayKeys.DEFAULT_SENDER + " is \"" + value + "\", which is not a valid "
                    + "mailbox. Set it to a bare address such as relay@" + aliasDomain + ".");
        }
        if (!servedDomains.contains(Mailboxes.domainOf(value))) {
            throw new ConfigurationException(RelayKeys.DEFAULT_SENDER + " is " + value + ", which is outside the alias "
                    + "domain " + aliasDomain + " (relay.alias-domain)" + (servedDomains.size() > 1
                    ? " and the other domains the credentials files serve (" + String.join(", ", servedDomains) + ")"
                    : "") + ": the provider could never issue a token for it. Use a mailbox @" + aliasDomain + ".");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** The mailbox to send as, or empty when the message must be dead-lettered. */
    public Optional<String> mailboxFor(String fromAddress) {
        return resolve(fromAddress).mailbox();
    }

    /** The mailbox together with the rule that chose it (for logs and diagnostics). */
    public SenderResolution resolve(String fromAddress) {
        String from = Mailboxes.normalise(fromAddress);
        if (!from.isEmpty()) {
            Optional<String> mapped = users.mailboxForAddress(from);
            if (mapped.isPresent()) {
                return resolved(fromAddress, SenderRule.MAPPED_ADDRESS, mapped.get(),
                        "address " + from + " in " + RelayKeys.USERS);
            }
            String localPart = Mailboxes.localPartOf(from);
            mapped = users.mailboxForUserProfile(localPart);
            if (mapped.isPresent()) {
                return resolved(fromAddress, SenderRule.MAPPED_USER_PROFILE, mapped.get(),
                        "user profile " + localPart.toUpperCase(Locale.ROOT) + " in " + RelayKeys.USERS);
            }
            if (from.indexOf('@') > 0 && servedDomains.contains(Mailboxes.domainOf(from))) {
                String domain = Mailboxes.domainOf(from);
                return resolved(fromAddress, SenderRule.ALIAS_DOMAIN, from, domain.equals(aliasDomain)
                        ? "the alias domain " + aliasDomain : "the served domain " + domain);
            }
        }
        if (defaultSender != null) {
            return resolved(fromAddress, SenderRule.DEFAULT_SENDER, defaultSender, RelayKeys.DEFAULT_SENDER.name());
        }
        return new SenderResolution(fromAddress, SenderRule.NONE, null, noSenderReason(fromAddress));
    }

    private static SenderResolution resolved(String fromAddress, SenderRule rule, String mailbox, String why) {
        String from = fromAddress == null || fromAddress.isBlank() ? "a message without From" : fromAddress.trim();
        return new SenderResolution(fromAddress, rule, mailbox, from + " sends as " + mailbox + ": " + why);
    }

    /**
     * The dead-letter reason when no rule applies, naming the cause and the fix, e.g. "no sender
     * mailbox for QSYSOPR@ibmi.local: it is not in relay.users, not in the alias domain example.com,
     * and relay.default-sender is not set. Add it to relay.users (QSYSOPR = mailbox@example.com) or
     * set relay.default-sender."
     */
    public String noSenderReason(String fromAddress) {
        if (fromAddress == null || fromAddress.isBlank()) {
            return "no sender mailbox: the message has no From address and " + RelayKeys.DEFAULT_SENDER
                    + " is not set. Add a From: header with a mailbox of " + aliasDomain + " or a sender listed in "
                    + RelayKeys.USERS + ", or set " + RelayKeys.DEFAULT_SENDER + ".";
        }
        String from = fromAddress.trim();
        String profile = Mailboxes.localPartOf(Mailboxes.normalise(from)).toUpperCase(Locale.ROOT);
        String usersPart = users.file()
                .map(file -> "it is not in " + RelayKeys.USERS + " (" + file + ")")
                .orElse("it is not in " + RelayKeys.USERS + " (no mapping file is configured)");
        return "no sender mailbox for " + from + ": " + usersPart + ", not in the alias domain " + aliasDomain
                + (servedDomains.size() > 1 ? " or the other served domains (" + String.join(", ",
                servedDomains.subList(1, servedDomains.size())) + ")" : "") + ", and " + RelayKeys.DEFAULT_SENDER + " is not set. Add it to " + RelayKeys.USERS + " (" + profile
                + " = mailbox@" + aliasDomain + ") or set " + RelayKeys.DEFAULT_SENDER + ".";
    }

    public String aliasDomain() {
        return aliasDomain;
    }

    /** The domains whose mailboxes send as themselves, relay.alias-domain first. */
    public List<String> servedDomains() {
        return servedDomains;
    }

    public Optional<String> defaultSender() {
        return Optional.ofNullable(defaultSender);
    }

    public UserMapping users() {
        return users;
    }
}
