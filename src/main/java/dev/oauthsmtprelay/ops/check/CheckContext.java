package dev.oauthsmtprelay.ops.check;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.Account;
import dev.oauthsmtprelay.credentials.Accounts;
import dev.oauthsmtprelay.credentials.AccountsReader;
import dev.oauthsmtprelay.credentials.CredentialsCheck;
import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.Provider;
import dev.oauthsmtprelay.delivery.sender.SenderResolver;
import dev.oauthsmtprelay.delivery.smtp.SmtpSettings;
import dev.oauthsmtprelay.oauth.TokenService;
import dev.oauthsmtprelay.oauth.TokenServiceFactory;

/**
 * The relay's parts as the checks need them, each built once on first use. A part that cannot be
 * built is remembered with its error, so the check that owns it reports the cause and the others
 * can skip.
 */
public final class CheckContext {

    private final RelaySettings settings;
    private final Clock clock;
    private final Attempt<Accounts> accounts;
    private final Account account;
    private final Attempt<CredentialsCheck> credentials;
    private final Attempt<SenderResolver> senders;
    private final Attempt<SmtpSettings> smtp;
    private final Attempt<TokenService> tokens;

    public CheckContext(RelaySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.account = null;
        this.accounts = new Attempt<>(() -> new AccountsReader(new CredentialsFileReader(
                settings.get(RelayKeys.CREDENTIALS_STRICT_PERMISSIONS)))
                .read(settings.credentialsFiles(), settings.aliasDomain()));
        this.credentials = new Attempt<>(() -> primary().check());
        this.senders = new Attempt<>(() -> SenderResolver.from(settings, accounts.get().map(Accounts::domains)
                .orElseGet(() -> List.of(settings.aliasDomain()))));
        this.smtp = new Attempt<>(() -> accounts.get().map(a -> hub(settings, a.primary()))
                .orElseGet(() -> SmtpSettings.from(settings, settings.optional(RelayKeys.SMTP_HOST)
                        .orElseThrow(() -> new IllegalStateException(RelayKeys.SMTP_HOST + " is not set and the "
                                + "credentials file cannot be read to choose the provider's hub")))));
        this.tokens = new Attempt<>(() -> TokenServiceFactory.create(settings, primary().credentials(), clock));
    }

    /** The checks of one account of several: its file, its hub, its tokens and the mailboxes of its domains. */
    private CheckContext(CheckContext parent, Account account) {
        this.settings = parent.settings;
        this.clock = parent.clock;
        this.accounts = parent.accounts;
        this.account = account;
        this.credentials = new Attempt<>(account::check);
        this.senders = parent.senders;
        this.smtp = new Attempt<>(() -> hub(settings, account));
        this.tokens = new Attempt<>(() -> TokenServiceFactory.create(settings, account.credentials(), null, clock));
    }

    private static SmtpSettings hub(RelaySettings settings, Account account) {
        return SmtpSettings.forAccount(settings, account.credentials().provider().defaultSmtpHost(), account.hub());
    }

    private Account primary() {
        return accounts.get().orElseThrow(() -> accounts.error().orElseThrow()).primary();
    }

    /** Every credentials file as an account; its error is the reason none can be used. */
    public Attempt<Accounts> accounts() {
        return accounts;
    }

    /** One context per account when the relay has several, each checked on its own; else just this one. */
    public List<CheckContext> perAccount() {
        Accounts all = accounts.get().orElse(null);
        if (account != null || all == null || !all.several()) {
            return List.of(this);
        }
        return all.all().stream().map(a -> new CheckContext(this, a)).toList();
    }

    /** The account this context checks alone, when the relay has several. */
    public Optional<Account> account() {
        return Optional.ofNullable(account);
    }

    public RelaySettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public Attempt<CredentialsCheck> credentials() {
        return credentials;
    }

    public Attempt<SenderResolver> senders() {
        return senders;
    }

    public Attempt<SmtpSettings> smtp() {
        return smtp;
    }

    public Attempt<TokenService> tokens() {
        return tokens;
    }

    /** The Microsoft application, when its credentials file selects {@code "transport": "graph"}. */
    public Optional<MicrosoftApp> graph() {
        return credentials.get().map(CredentialsCheck::credentials)
                .filter(c -> c instanceof MicrosoftApp app && app.transport() == MicrosoftApp.Transport.GRAPH)
                .map(MicrosoftApp.class::cast);
    }

    public Optional<Provider> provider() {
        return credentials.get().map(c -> c.credentials().provider());
    }

    /**
     * The mailboxes the relay sends as: every mailbox mapped in relay.users, then the default sender; for one account
     * of several, those of its domains.
     */
    public List<String> senderMailboxes() {
        Set<String> mailboxes = new LinkedHashSet<>();
        senders.get().ifPresent(resolver -> {
            mailboxes.addAll(resolver.users().mailboxes());
            resolver.defaultSender().ifPresent(mailboxes::add);
        });
        if (account != null) {
            mailboxes.removeIf(m -> !account.domains().contains(m.substring(m.lastIndexOf('@') + 1)));
        }
        return List.copyOf(mailboxes);
    }

    /** A part built at most once; {@link #error()} holds why it could not be built. */
    public static final class Attempt<T> {

        private final Supplier<T> factory;
        private boolean done;
        private T value;
        private RuntimeException error;

        Attempt(Supplier<T> factory) {
            this.factory = factory;
        }

        public synchronized Optional<T> get() {
            if (!done) {
                done = true;
                try {
                    value = factory.get();
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            return Optional.ofNullable(value);
        }

        public synchronized Optional<RuntimeException> error() {
            get();
            return Optional.ofNullable(error);
        }
    }
}
