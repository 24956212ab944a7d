package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import org.apache.camel.CamelContext;

import dev.oauthsmtprelay.config.RelayConfigLocations;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.CredentialsCheck;
import dev.oauthsmtprelay.credentials.CredentialsFileReader;
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
        RelayConfigLocations.ensureDefaults(context);
        RelaySettings settings = new RelaySettings(context);
        LoggingSetup.apply(settings.value("relay.log.level").orElse(null),
                settings.value("relay.log.file").orElse(null));
        CredentialsCheck credentials = new CredentialsFileReader(
                settings.bool(CredentialsFileReader.STRICT_PERMISSIONS_KEY, false))
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

    public TokenService tokenService() {
        return tokenService;
    }

    public String smtpHost() {
        return settings.value("relay.smtp.host")
                .orElse(credentials.credentials().provider().defaultSmtpHost());
    }

    public Optional<String> defaultSender() {
        return settings.defaultSender().map(s -> s.toLowerCase(Locale.ROOT));
    }
}
