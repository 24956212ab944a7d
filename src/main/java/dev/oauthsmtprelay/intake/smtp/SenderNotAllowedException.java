package dev.oauthsmtprelay.intake.smtp;

import dev.oauthsmtprelay.message.InvalidMessageException;

/** A From header naming a sender outside {@code relay.listener.allowed-senders}: answered 550, never retried. */
public final class SenderNotAllowedException extends InvalidMessageException {

    private static final long serialVersionUID = 1L;

    SenderNotAllowedException(String message) {
        super(message);
    }
}
