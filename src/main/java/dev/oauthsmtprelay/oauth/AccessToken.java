package dev.oauthsmtprelay.oauth;

import java.time.Instant;

/**
 * An access token and when it expires. {@link #toString()} shows only a redacted prefix, so a
 * token that ends up in a log line by accident is still not usable.
 */
public record AccessToken(String value, Instant expiresAt, String scope) {

    public boolean usableAt(Instant now, java.time.Duration margin) {
        return now.plus(margin).isBefore(expiresAt);
    }

    public String redacted() {
        return redact(value);
    }

    public static String redact(String token) {
        if (token == null) {
            return "(none)";
        }
        return token.length() <= 16 ? "…(" + token.length() + " chars)" : token.substring(0, 8) + "…(" + token.length() + " chars)";
    }

    @Override
    public String toString() {
        return "AccessToken[" + redacted() + ", expires " + expiresAt + "]";
    }
}
