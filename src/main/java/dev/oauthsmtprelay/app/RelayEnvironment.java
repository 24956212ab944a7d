package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import org.apache.camel.CamelContext;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.CredentialsCheck;
import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.delivery.sender.FromPolicy;
import dev.oauthsmtprelay.oauth.TokenService;
import dev.oauthsmtprelay.oauth.TokenServiceFactory;

/**
 * The relay's configured parts, built from the {@code relay.*} properties of a Camel context:
 * settings, the validated credentials and the token service. Used by the runnable jar and by
 * applications that embed the relay.
 */
public final class RelayEnvironment {

    private final RelaySettings settings;
    private final CredentialsCheck credentials;
    private final TokenService tokenService;

    private RelayEnvironment(RelaySettings settings, CredentialsCheck credentials, TokenService tokenService) {
        this.settings = settings;
        this.credentials = credentials;
        this.tokenService = tokenService;
    }

    /**
     * @throws dev.oauthsmtprelay.config.ConfigurationException       for a missing or invalid key
     * @throws dev.oauthsmtprelay.credentials.InvalidCredentialsException for an unusable credentials file
     */
    public static RelayEnvironment from(CamelContext context, Clock clock) {
        RelaySettings settings = RelaySettings.of(context);
        LoggingSetup.apply(settings.optional(RelayKeys.LOG_LEVEL).orElse(null),
                settings.optional(RelayKeys.LOG_FILE).orElse(null), settings.get(RelayKeys.LOG_FORMAT));
        CredentialsCheck credentials = new CredentialsFileReader(
                settings.get(RelayKeys.CREDENTIALS_STRICT_PERMISSIONS))
                .read(settings.credentialsFile(), settings.aliasDomain());
        TokenService tokens = TokenServiceFactory.create(settings, credentials.credentials(), clock);
        return new RelayEnvironment(settings, credentials, tokens);
    }

    public RelaySettings settings() {
        return settings;
    }

    public CredentialsCheck credentials() {
        return credentials;
    }

    /** relay.rewrite-from, with the domains the relay serves: the alias domain and the credentials' domain. */
    public FromPolicy fromPolicy() {
        return FromPolicy.of(settings.get(RelayKeys.REWRITE_FROM), settings.aliasDomain(),
                credentials.credentials().domain());
    }

    public TokenService tokenService() {
        return tokenService;
    }

    public String smtpHost() {
        return settings.optional(RelayKeys.SMTP_HOST)
                .orElse(credentials.credentials().provider().defaultSmtpHost());
    }

    public Optional<String> defaultSender() {
        return settings.defaultSender().map(s -> s.toLowerCase(Locale.ROOT));
    }
}
