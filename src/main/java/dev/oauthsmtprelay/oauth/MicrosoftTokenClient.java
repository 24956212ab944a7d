package dev.oauthsmtprelay.oauth;

import java.time.Clock;
import java.time.Duration;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;

import dev.oauthsmtprelay.credentials.MicrosoftApp;

/** Microsoft Entra client credentials grant: one application token serves every sender mailbox. */
public final class MicrosoftTokenClient implements TokenClient {

    private static final String APPLICATION_KEY = "application";

    private final MicrosoftApp app;
    private final TokenEndpointCall call;
    private final MicrosoftErrors errors;

    public MicrosoftTokenClient(MicrosoftApp app, Clock clock, Duration timeout) {
        this.app = app;
        this.call = new TokenEndpointCall(clock, timeout);
        this.errors = new MicrosoftErrors(app);
    }

    @Override
    public AccessToken requestToken(String mailbox) {
        TokenRequest request = new TokenRequest(app.tokenEndpoint(),
                new ClientSecretPost(new ClientID(app.clientId()), new Secret(app.clientSecret())),
                new ClientCredentialsGrant(), Scope.parse(app.scope()));
        return call.send(request, errors);
    }

    @Override
    public String cacheKey(String mailbox) {
        return APPLICATION_KEY;
    }

    @Override
    public String describe() {
        return "Microsoft Entra app " + app.clientId() + " (tenant " + app.tenantId() + ") via " + app.tokenEndpoint();
    }
}
