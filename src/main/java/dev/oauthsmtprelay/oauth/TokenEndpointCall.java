package dev.oauthsmtprelay.oauth;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;

/**
 * Sends one Nimbus token request and sorts the outcome: a token, a provider error (handed to the
 * provider's {@link ProviderErrors} for an actionable message) or a transient failure (network,
 * 5xx, 429) that is worth retrying later.
 */
final class TokenEndpointCall {

    private final Clock clock;
    private final Duration timeout;

    TokenEndpointCall(Clock clock, Duration timeout) {
        this.clock = clock;
        this.timeout = timeout;
    }

    AccessToken send(TokenRequest request, ProviderErrors errors) {
        URI endpoint = request.getEndpointURI();
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout((int) timeout.toMillis());
        http.setReadTimeout((int) timeout.toMillis());
        Instant sentAt = clock.instant();
        HTTPResponse response;
        try {
            response = http.send();
        } catch (IOException e) {
            throw TokenException.transientFailure(networkProblem(endpoint, e), null, null);
        }
        int status = response.getStatusCode();
        if (status == 429 || status >= 500) {
            Duration retryAfter = RetryAfter.parse(response.getHeaderValue("Retry-After"), sentAt);
            throw TokenException.transientFailure("The token endpoint " + endpoint + " answered HTTP " + status
                    + (status == 429 ? " (too many requests)" : " (server error)")
                    + (retryAfter != null ? " and asked to retry after " + retryAfter.toSeconds() + " s" : "")
                    + ". The relay retries later; nothing to fix on this side unless it persists.", retryAfter, null);
        }
        TokenResponse parsed;
        try {
            parsed = TokenResponse.parse(response);
        } catch (ParseException e) {
            throw notAnOAuthAnswer(endpoint, status);
        }
        if (!parsed.indicatesSuccess()) {
            ErrorObject error = parsed.toErrorResponse().getErrorObject();
            if (error == null || error.getCode() == null) {
                throw notAnOAuthAnswer(endpoint, status);
            }
            throw errors.explain(error);
        }
        AccessTokenResponse success = parsed.toSuccessResponse();
        com.nimbusds.oauth2.sdk.token.AccessToken token = success.getTokens().getAccessToken();
        long lifetime = token.getLifetime() > 0 ? token.getLifetime() : 3600;
        return new AccessToken(token.getValue(), sentAt.plusSeconds(lifetime),
                token.getScope() == null ? null : token.getScope().toString());
    }

    private static TokenException notAnOAuthAnswer(URI endpoint, int status) {
        return TokenException.configuration(null, "The token endpoint " + endpoint + " answered HTTP " + status
                + " with a body that is not an OAuth 2.0 token response. Check token_endpoint/token_uri in the "
                + "credentials file (a proxy or a wrong URL answers like this).");
    }

    private static String networkProblem(URI endpoint, IOException e) {
        String host = endpoint.getHost();
        if (e instanceof UnknownHostException) {
            return "The token endpoint host " + host + " cannot be resolved (DNS). Check the network/DNS of this "
                    + "machine, or token_endpoint in the credentials file.";
        }
        if (e instanceof ConnectException) {
            return "The token endpoint " + endpoint + " refused the connection. Check that this machine may reach "
                    + host + " on port " + port(endpoint) + " (firewall, proxy).";
        }
        if (e instanceof SocketTimeoutException) {
            return "The token endpoint " + endpoint + " did not answer in time. Check the network path to " + host
                    + " or raise relay.token.timeout.";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "TLS with the token endpoint " + endpoint + " failed (" + e.getMessage() + "). Check that the "
                    + "JVM trusts its certificate and that no proxy intercepts TLS.";
        }
        return "The token endpoint " + endpoint + " could not be reached (" + e.getClass().getSimpleName() + ": "
                + e.getMessage() + ").";
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    }
}
