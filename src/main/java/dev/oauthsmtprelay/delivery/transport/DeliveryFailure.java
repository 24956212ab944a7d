package dev.oauthsmtprelay.delivery.transport;

import dev.oauthsmtprelay.oauth.TokenException;

/**
 * Delivery of a message failed. {@link Kind} decides what happens to it; the message says what
 * went wrong and, where an administrator can act, how to fix it.
 */
public class DeliveryFailure extends Exception {

    public enum Kind {
        /** Try this message again later (4xx, I/O trouble, token endpoint busy). */
        TRANSIENT,
        /** This message can never be delivered as it is (5xx): dead letter. */
        PERMANENT,
        /** The configuration or the hub is broken for every message: pause delivery, keep the queue. */
        CONFIGURATION,
        /**
         * Only this sender mailbox cannot send (its own login refused, or it is not a usable mailbox): its mail
         * waits in the queue while every other mailbox's mail goes on.
         */
        MAILBOX
    }

    private final Kind kind;
    private final String hubReply;

    public DeliveryFailure(Kind kind, String message, String hubReply, Throwable cause) {
        super(message, cause, false, cause != null);
        this.kind = kind;
        this.hubReply = hubReply;
    }

    /** A token that could not be had: the token endpoint's trouble decides the kind. */
    public static DeliveryFailure of(TokenException e) {
        Kind kind = switch (e.kind()) {
            case TRANSIENT -> Kind.TRANSIENT;
            case CONFIGURATION -> Kind.CONFIGURATION;
            case MAILBOX -> Kind.MAILBOX;
        };
        return new DeliveryFailure(kind, e.getMessage(), null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The hub's reply that caused this failure, when there was one. */
    public String hubReply() {
        return hubReply;
    }
}
