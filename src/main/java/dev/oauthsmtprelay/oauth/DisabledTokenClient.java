package dev.oauthsmtprelay.oauth;

import dev.oauthsmtprelay.credentials.ProviderCredentials;

/** Stands in while {@code relay.credentials.enabled=false}: no token is requested, delivery waits. */
final class DisabledTokenClient implements TokenClient {

    private final ProviderCredentials credentials;

    DisabledTokenClient(ProviderCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public AccessToken requestToken(String mailbox) {
        throw TokenException.configuration("credentials_disabled", "The credentials " + credentials.source()
                + " are disabled (relay.credentials.enabled=false): no tokens are requested and mail waits in the "
                + "queue. Set relay.credentials.enabled=true to deliver.");
    }

    @Override
    public String cacheKey(String mailbox) {
        return "disabled";
    }

    @Override
    public String describe() {
        return "disabled credentials " + credentials.source();
    }
}
