package dev.oauthsmtprelay.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;

import dev.oauthsmtprelay.credentials.GoogleServiceAccount;
import dev.oauthsmtprelay.credentials.Provider;

/**
 * Google service account with domain-wide delegation: an RS256 JWT signed with the account's key,
 * {@code sub} = the mailbox to impersonate, exchanged with the RFC 7523 JWT bearer grant.
 */
public final class GoogleTokenClient implements TokenClient {

    static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);

    private final GoogleServiceAccount account;
    private final Clock clock;
    private final TokenEndpointCall call;
    private final GoogleErrors errors;

    public GoogleTokenClient(GoogleServiceAccount account, Clock clock, Duration timeout) {
        this.account = account;
        this.clock = clock;
        this.call = new TokenEndpointCall(clock, timeout);
        this.errors = new GoogleErrors(account);
    }

    @Override
    public AccessToken requestToken(String mailbox) {
        TokenRequest request = new TokenRequest(account.tokenEndpoint(), new JWTBearerGrant(assertion(mailbox)));
        return call.send(request, error -> errors.explain(error, mailbox));
    }

    SignedJWT assertion(String mailbox) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(account.clientEmail())
                .subject(mailbox)
                .audience(account.tokenUri().toString())
                .claim("scope", Provider.GOOGLE.smtpScope())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(account.privateKeyId())
                .type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(account.privateKey()));
        } catch (JOSEException e) {
            throw TokenException.configuration(null, "The private key in " + account.source()
                    + " cannot sign a token request (" + e.getMessage() + "). Create a new JSON key for "
                    + account.clientEmail() + ".");
        }
        return jwt;
    }

    @Override
    public String cacheKey(String mailbox) {
        return mailbox.toLowerCase(Locale.ROOT);
    }

    @Override
    public String describe() {
        return "Google service account " + account.clientEmail() + " via " + account.tokenEndpoint();
    }
}
