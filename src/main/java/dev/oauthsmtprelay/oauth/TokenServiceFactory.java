package dev.oauthsmtprelay.oauth;

import java.time.Clock;

import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.ProviderCredentials;

/** Builds the token service the relay's settings describe. */
public final class TokenServiceFactory {

    private TokenServiceFactory() {
    }

    public static TokenService create(RelaySettings settings, ProviderCredentials credentials, Clock clock) {
        TokenClient client = settings.credentialsEnabled()
                ? TokenClients.forCredentials(credentials, clock, settings.tokenTimeout())
                : new DisabledTokenClient(credentials);
        TokenPolicy policy = new TokenPolicy(settings.tokenRefreshAhead(), TokenPolicy.defaults().minimumValidity(),
                settings.tokenBackoffInitial(), settings.tokenBackoffMax());
        return new TokenService(client, clock, policy);
    }
}
