package dev.oauthsmtprelay.oauth;

import java.time.Duration;
import java.util.Optional;

/**
 * A token could not be obtained. {@link #kind()} tells delivery what to do: wait and retry
 * ({@link Kind#TRANSIENT}), stop using the credentials until an administrator fixes them
 * ({@link Kind#CONFIGURATION}), or give up on one mailbox ({@link Kind#MAILBOX}). The message names the cause and the fix and never holds a secret.
 */
public class TokenException extends RuntimeException {

    public enum Kind {
        /** Worth retrying later: network, 5xx, 429. */
        TRANSIENT,
        /** The credentials or the provider-side setup are wrong: no mailbox can get a token until fixed. */
        CONFIGURATION,
        /** Only this mailbox cannot get a token (e.g. not a Workspace user); others may. */
        MAILBOX
    }

    private final Kind kind;
    private final String errorCode;
    private final Duration retryAfter;

    public TokenException(Kind kind, String errorCode, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    public static TokenException transientFailure(String message, Duration retryAfter, Throwable cause) {
        return new TokenException(Kind.TRANSIENT, null, message, retryAfter, cause);
    }

    public static TokenException configuration(String errorCode, String message) {
        return new TokenException(Kind.CONFIGURATION, errorCode, message, null, null);
    }

    public static TokenException mailbox(String errorCode, String message) {
        return new TokenException(Kind.MAILBOX, errorCode, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The provider's OAuth error code ({@code invalid_grant}, ...) when there was one. */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** How long the provider asked us to wait ({@code Retry-After}), when it did. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
