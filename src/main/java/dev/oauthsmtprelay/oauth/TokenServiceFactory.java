package dev.oauthsmtprelay.oauth;

import java.time.Clock;

import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.credentials.ProviderCredentials;

/** Builds the token service the relay's settings describe. */
public final class TokenServiceFactory {

    private TokenServiceFactory() {
    }

    public static TokenService create(RelaySettings settings, ProviderCredentials credentials, Clock clock) {
        TokenClient client = settings.credentialsEnabled()
                ? reloading(settings, TokenClients.forCredentials(credentials, clock, settings.tokenTimeout()), clock)
                : new DisabledTokenClient(credentials);
        TokenPolicy policy = new TokenPolicy(settings.tokenRefreshAhead(), TokenPolicy.defaults().minimumValidity(),
                settings.tokenBackoffInitial(), settings.tokenBackoffMax());
        return new TokenService(client, clock, policy);
    }

    /** Follows changes of the credentials file, validated the same way as at start-up. */
    private static TokenClient reloading(RelaySettings settings, TokenClient initial, Clock clock) {
        CredentialsFileReader reader = new CredentialsFileReader(
                settings.bool(CredentialsFileReader.STRICT_PERMISSIONS_KEY, false));
        return new ReloadingTokenClient(settings.credentialsFile(), initial,
                file -> reader.read(file, settings.aliasDomain()).credentials(),
                credentials -> TokenClients.forCredentials(credentials, clock, settings.tokenTimeout()));
    }
}
