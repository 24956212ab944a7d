package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.CamelContext;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.Account;
import dev.oauthsmtprelay.credentials.Accounts;
import dev.oauthsmtprelay.credentials.AccountsReader;
import dev.oauthsmtprelay.credentials.CredentialsCheck;
import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.delivery.sender.FromPolicy;
import dev.oauthsmtprelay.delivery.sender.SenderResolver;
import dev.oauthsmtprelay.delivery.smtp.SmtpSettings;
import dev.oauthsmtprelay.oauth.TokenService;
import dev.oauthsmtprelay.oauth.TokenServiceFactory;

/**
 * The relay's configured parts, built from the {@code relay.*} properties of a Camel context:
 * settings, the accounts (one per credentials file) and their token services. Used by the runnable jar and by
 * applications that embed the relay.
 */
public final class RelayEnvironment {

    private final RelaySettings settings;
    private final Accounts accounts;
    private final Map<String, TokenService> tokenServices;
    private SenderResolver senders;

    private RelayEnvironment(RelaySettings settings, Accounts accounts, Map<String, TokenService> tokenServices) {
        this.settings = settings;
        this.accounts = accounts;
        this.tokenServices = tokenServices;
    }

    /**
     * @throws dev.oauthsmtprelay.config.ConfigurationException       for a missing or invalid key
     * @throws dev.oauthsmtprelay.credentials.InvalidCredentialsException for an unusable credentials file
     */
    public static RelayEnvironment from(CamelContext context, Clock clock) {
        RelaySettings settings = RelaySettings.of(context);
        LoggingSetup.apply(settings.optional(RelayKeys.LOG_LEVEL).orElse(null),
                settings.optional(RelayKeys.LOG_FILE).orElse(null), settings.get(RelayKeys.LOG_FORMAT));
        Accounts accounts = new AccountsReader(new CredentialsFileReader(
                settings.get(RelayKeys.CREDENTIALS_STRICT_PERMISSIONS)))
                .read(settings.credentialsFiles(), settings.aliasDomain());
        Map<String, TokenService> tokens = new LinkedHashMap<>();
        String reloadAlias = accounts.several() ? null : settings.aliasDomain();
        for (Account account : accounts.all()) {
            tokens.put(account.name(), TokenServiceFactory.create(settings, account.credentials(), reloadAlias, clock));
        }
        return new RelayEnvironment(settings, accounts, Map.copyOf(tokens));
    }

    public RelaySettings settings() {
        return settings;
    }

    /** Every credentials file as an account; the primary one serves relay.alias-domain. */
    public Accounts accounts() {
        return accounts;
    }

    /** The primary account's credentials. */
    public CredentialsCheck credentials() {
        return accounts.primary().check();
    }

    /** relay.rewrite-from, with the domains the relay serves: every account's domains. */
    public FromPolicy fromPolicy() {
        return FromPolicy.of(settings.get(RelayKeys.REWRITE_FROM), accounts.domains().toArray(String[]::new));
    }

    /**
     * Which mailbox sends a message (relay.users, the served domains, relay.default-sender); the relay.users file is
     * read on the first call only.
     */
    public synchronized SenderResolver senders() {
        if (senders == null) {
            senders = SenderResolver.from(settings, accounts.domains());
        }
        return senders;
    }

    /** The primary account's token service. */
    public TokenService tokenService() {
        return tokenService(accounts.primary());
    }

    public TokenService tokenService(Account account) {
        return tokenServices.get(account.name());
    }

    /** The account's hub: its file's smtp_* fields, else relay.smtp.*, else the provider's. */
    public SmtpSettings smtpSettings(Account account) {
        return SmtpSettings.forAccount(settings, account.credentials().provider().defaultSmtpHost(), account.hub());
    }

    public Optional<String> defaultSender() {
        return settings.defaultSender().map(s -> s.toLowerCase(Locale.ROOT));
    }
}
