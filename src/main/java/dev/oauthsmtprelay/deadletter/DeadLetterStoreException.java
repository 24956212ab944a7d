package dev.oauthsmtprelay.deadletter;

/** A dead letter could not be written, read or moved; the message names the directory and the fix. */
public class DeadLetterStoreException extends RuntimeException {

    public DeadLetterStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public DeadLetterStoreException(String message) {
        super(message);
    }
}
