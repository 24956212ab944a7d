package dev.oauthsmtprelay.oauth;

import java.time.Clock;
import java.time.Duration;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.credentials.ProviderCredentials;

/** Builds the token service the relay's settings describe. */
public final class TokenServiceFactory {

    private TokenServiceFactory() {
    }

    /** For the relay's only credentials file, which must keep serving relay.alias-domain. */
    public static TokenService create(RelaySettings settings, ProviderCredentials credentials, Clock clock) {
        return create(settings, credentials, settings.aliasDomain(), clock);
    }

    /**
     * @param aliasDomain what a changed file is checked against when it is read again: relay.alias-domain for the
     *                    only file, null for one of several (a changed domain then takes effect at the next start)
     */
    public static TokenService create(RelaySettings settings, ProviderCredentials credentials, String aliasDomain,
                                      Clock clock) {
        Duration timeout = settings.get(RelayKeys.TOKEN_TIMEOUT);
        TokenClient client = settings.credentialsEnabled()
                ? reloading(settings, credentials, aliasDomain, TokenClients.forCredentials(credentials, clock, timeout),
                clock)
                : new DisabledTokenClient(credentials);
        TokenPolicy policy = new TokenPolicy(settings.get(RelayKeys.TOKEN_REFRESH_AHEAD),
                TokenPolicy.defaults().minimumValidity(), settings.get(RelayKeys.TOKEN_BACKOFF_INITIAL),
                settings.get(RelayKeys.TOKEN_BACKOFF_MAX));
        return new TokenService(client, clock, policy);
    }

    /** Follows changes of the credentials file, validated the same way as at start-up. */
    private static TokenClient reloading(RelaySettings settings, ProviderCredentials credentials, String aliasDomain,
                                         TokenClient initial, Clock clock) {
        CredentialsFileReader reader = new CredentialsFileReader(
                settings.get(RelayKeys.CREDENTIALS_STRICT_PERMISSIONS));
        Duration timeout = settings.get(RelayKeys.TOKEN_TIMEOUT);
        return new ReloadingTokenClient(credentials.source(), initial,
                file -> reader.read(file, aliasDomain).credentials(),
                reread -> TokenClients.forCredentials(reread, clock, timeout));
    }
}
