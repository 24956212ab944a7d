package dev.oauthsmtprelay.ops.check;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
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
    private final Attempt<CredentialsCheck> credentials;
    private final Attempt<SenderResolver> senders;
    private final Attempt<SmtpSettings> smtp;
    private final Attempt<TokenService> tokens;

    public CheckContext(RelaySettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.credentials = new Attempt<>(() -> new CredentialsFileReader(
                settings.get(RelayKeys.CREDENTIALS_STRICT_PERMISSIONS))
                .read(settings.credentialsFile(), settings.aliasDomain()));
        this.senders = new Attempt<>(() -> SenderResolver.from(settings));
        this.smtp = new Attempt<>(() -> SmtpSettings.from(settings, settings.optional(RelayKeys.SMTP_HOST)
                .orElseGet(() -> credentials.get().orElseThrow(() -> new IllegalStateException(
                        RelayKeys.SMTP_HOST + " is not set and the credentials file cannot be read to choose the "
                                + "provider's hub")).credentials().provider().defaultSmtpHost())));
        this.tokens = new Attempt<>(() -> TokenServiceFactory.create(settings,
                credentials.get().orElseThrow().credentials(), clock));
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

    /** The mailboxes the relay sends as: every mailbox mapped in relay.users, then the default sender. */
    public List<String> senderMailboxes() {
        Set<String> mailboxes = new LinkedHashSet<>();
        senders.get().ifPresent(resolver -> {
            mailboxes.addAll(resolver.users().mailboxes());
            resolver.defaultSender().ifPresent(mailboxes::add);
        });
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
