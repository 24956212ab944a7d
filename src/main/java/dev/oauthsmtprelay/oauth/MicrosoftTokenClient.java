package dev.oauthsmtprelay.oauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.JWTID;

import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.MicrosoftClientAuth;

/**
 * Microsoft Entra client credentials grant: one application token serves every sender mailbox. The application
 * authenticates with its client secret, with a client assertion signed by its certificate (RFC 7523, header
 * {@code x5t#S256}), or with a federated assertion read from its file at every request.
 */
public final class MicrosoftTokenClient implements TokenClient {

    private static final String APPLICATION_KEY = "application";
    /** Entra accepts client assertions of at most 10 minutes. */
    static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(5);

    private final MicrosoftApp app;
    private final TokenEndpointCall call;
    private final MicrosoftErrors errors;
    private final Clock clock;

    public MicrosoftTokenClient(MicrosoftApp app, Clock clock, Duration timeout) {
        this.app = app;
        this.call = new TokenEndpointCall(clock, timeout);
        this.errors = new MicrosoftErrors(app);
        this.clock = clock;
    }

    @Override
    public AccessToken requestToken(String mailbox) {
        ClientID client = new ClientID(app.clientId());
        Scope scope = Scope.parse(app.scope());
        TokenRequest request;
        if (app.clientAuth() instanceof MicrosoftClientAuth.ClientCertificate certificate) {
            request = new TokenRequest(app.tokenEndpoint(), assertion(client, certificate), new ClientCredentialsGrant(),
                    scope);
        } else if (app.clientAuth() instanceof MicrosoftClientAuth.FederatedAssertion federated) {
            request = new TokenRequest(app.tokenEndpoint(), new FederatedClientAssertion(client, read(federated)),
                    new ClientCredentialsGrant(), scope);
        } else {
            MicrosoftClientAuth.ClientSecret secret = (MicrosoftClientAuth.ClientSecret) app.clientAuth();
            request = new TokenRequest(app.tokenEndpoint(), new ClientSecretPost(client, new Secret(secret.value())),
                    new ClientCredentialsGrant(), scope);
        }
        return call.send(request, errors);
    }

    private PrivateKeyJWT assertion(ClientID client, MicrosoftClientAuth.ClientCertificate certificate) {
        Instant now = clock.instant();
        JWTAuthenticationClaimsSet claims = new JWTAuthenticationClaimsSet(client,
                List.of(new Audience(app.tokenEndpoint().toString())), Date.from(now.plus(ASSERTION_LIFETIME)),
                Date.from(now.minusSeconds(30)), Date.from(now), new JWTID());
        try {
            Base64URL thumbprint = Base64URL.encode(MessageDigest.getInstance("SHA-256")
                    .digest(certificate.certificate().getEncoded()));
            return new PrivateKeyJWT(claims, JWSAlgorithm.RS256, certificate.key(), null, null, thumbprint, null);
        } catch (JOSEException | NoSuchAlgorithmException | CertificateEncodingException e) {
            throw TokenException.configuration("client_certificate", "The client assertion for app " + app.clientId()
                    + " could not be signed with the private key of " + app.source() + " (" + e.getClass().getSimpleName()
                    + "). Check client_certificate and private_key.");
        }
    }

    private String read(MicrosoftClientAuth.FederatedAssertion federated) {
        try {
            String jwt = Files.readString(federated.file(), StandardCharsets.US_ASCII).trim();
            if (jwt.isEmpty()) {
                throw new IOException("the file is empty");
            }
            return jwt;
        } catch (IOException e) {
            throw TokenException.transientFailure("The federated credential " + federated.file() + " of app "
                    + app.clientId() + " cannot be read (" + e.getMessage() + "); the program that writes it (for "
                    + "example the Kubernetes projected service-account token) must keep it in place.", null, e);
        }
    }

    @Override
    public String cacheKey(String mailbox) {
        return APPLICATION_KEY;
    }

    @Override
    public String describe() {
        return "Microsoft Entra app " + app.clientId() + " (tenant " + app.tenantId() + ") via " + app.tokenEndpoint()
                + ", " + app.clientAuth().describe();
    }
}
