package dev.oauthsmtprelay.credentials;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/**
 * The accounts the relay sends through, one per credentials file. A domain belongs to exactly one account, and the
 * sender mailbox's domain decides which account sends a message. The primary account serves relay.alias-domain.
 */
public final class Accounts {

    private final List<Account> all;
    private final Map<String, Account> byDomain;
    private final Account primary;
    private final List<String> domains;

    private Accounts(List<Account> all, Map<String, Account> byDomain, Account primary, String aliasDomain) {
        this.all = all;
        this.byDomain = Map.copyOf(byDomain);
        this.primary = primary;
        List<String> ordered = new ArrayList<>();
        ordered.add(aliasDomain);
        byDomain.keySet().stream().filter(d -> !d.equals(aliasDomain)).forEach(ordered::add);
        this.domains = List.copyOf(ordered);
    }

    /**
     * @throws InvalidCredentialsException when two files claim one domain (naming both files)
     * @throws ConfigurationException      when two files have one name, or no file serves the alias domain
     */
    public static Accounts of(List<Account> accounts, String aliasDomain) {
        if (accounts.isEmpty()) {
            throw new ConfigurationException(RelayKeys.CREDENTIALS + " names no credentials file. Set it to a file, "
                    + "a comma-separated list of files, or a directory of *.json files.");
        }
        Map<String, Account> byDomain = new LinkedHashMap<>();
        Map<String, Account> byName = new LinkedHashMap<>();
        for (Account account : accounts) {
            Account sameName = byName.putIfAbsent(account.name(), account);
            if (sameName != null) {
                throw new ConfigurationException(RelayKeys.CREDENTIALS + " names two credentials files called "
                        + account.name() + ".json (" + sameName.source() + " and " + account.source() + "). The file "
                        + "name is the account's name in status and logs: rename one of them.");
            }
            for (String domain : account.domains()) {
                Account other = byDomain.putIfAbsent(domain, account);
                if (other != null) {
                    throw new InvalidCredentialsException(account.source(), List.of(Finding.error(
                            domain.equals(account.domains().get(0)) ? "domain" : "domains", "\"" + domain
                                    + "\" is also served by " + other.source() + ". A domain belongs to one account, "
                                    + "or the relay could not tell which one sends its mail: remove it from one of "
                                    + "the two files.")));
                }
            }
        }
        String alias = aliasDomain.trim().toLowerCase(Locale.ROOT);
        Account primary = byDomain.get(alias);
        if (primary == null) {
            throw new ConfigurationException(RelayKeys.ALIAS_DOMAIN + " is " + alias + ", but no credentials file "
                    + "serves it (" + describe(accounts) + "). Add \"" + alias + "\" to the \"domains\" of the file "
                    + "whose tenant or Workspace serves it, or set " + RelayKeys.ALIAS_DOMAIN
                    + " to one of the domains listed.");
        }
        return new Accounts(List.copyOf(accounts), byDomain, primary, alias);
    }

    private static String describe(List<Account> accounts) {
        return accounts.stream().map(Account::describe).collect(Collectors.joining("; "));
    }

    /** For messages: every account with its provider and domains. */
    public String describe() {
        return describe(all);
    }

    /** The account that serves relay.alias-domain. */
    public Account primary() {
        return primary;
    }

    public List<Account> all() {
        return all;
    }

    public boolean several() {
        return all.size() > 1;
    }

    /** Every served domain, the alias domain first. */
    public List<String> domains() {
        return domains;
    }

    public Optional<Account> forDomain(String domain) {
        return domain == null ? Optional.empty() : Optional.ofNullable(byDomain.get(domain.trim().toLowerCase(Locale.ROOT)));
    }

    /** The account that sends as this mailbox: the one that serves its domain. */
    public Optional<Account> forMailbox(String mailbox) {
        if (mailbox == null) {
            return Optional.empty();
        }
        int at = mailbox.lastIndexOf('@');
        return at < 0 ? Optional.empty() : forDomain(mailbox.substring(at + 1));
    }

    public Optional<Account> named(String name) {
        return all.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The dead-letter reason for a sender mailbox that no account serves, naming the domain, the accounts and the fix. */
    public String noAccountReason(String mailbox) {
        int at = mailbox == null ? -1 : mailbox.lastIndexOf('@');
        String domain = at < 0 ? "(none)" : mailbox.substring(at + 1).toLowerCase(Locale.ROOT);
        return "No account sends for " + mailbox + ": its domain " + domain + " is served by none of the credentials "
                + "files (" + describe(all) + "). Add \"" + domain + "\" to the \"domains\" of the file whose tenant or "
                + "Workspace serves it, or map the sender in " + RelayKeys.USERS + " to a mailbox of a served domain.";
    }
}
