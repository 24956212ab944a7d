package dev.oauthsmtprelay.oauth;

import java.time.Clock;
import java.time.Duration;

import dev.oauthsmtprelay.credentials.GoogleServiceAccount;
import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.ProviderCredentials;

/** Picks the grant that matches the credentials file. */
public final class TokenClients {

    private TokenClients() {
    }

    public static TokenClient forCredentials(ProviderCredentials credentials, Clock clock, Duration timeout) {
        if (credentials instanceof GoogleServiceAccount google) {
            return new GoogleTokenClient(google, clock, timeout);
        }
        return new MicrosoftTokenClient((MicrosoftApp) credentials, clock, timeout);
    }
}
