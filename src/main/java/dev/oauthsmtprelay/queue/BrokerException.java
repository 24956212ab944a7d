package dev.oauthsmtprelay.queue;

/** The durable queue could not be started or reached; the message says what to change. */
public class BrokerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BrokerException(String message) {
        super(message);
    }

    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
