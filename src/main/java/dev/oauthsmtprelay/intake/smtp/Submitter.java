package dev.oauthsmtprelay.intake.smtp;

import java.util.Optional;

import dev.oauthsmtprelay.message.InvalidMessageException;

/** Puts a received message durably into the delivery queue, and returns only once it is there. */
@FunctionalInterface
public interface Submitter {

    /**
     * @throws InvalidMessageException the message is not acceptable (answered 5xx, never retried)
     * @throws Exception               the queue cannot take it now (answered 451: the client keeps it)
     */
    void submit(SmtpSubmission submission) throws Exception;

    /** Why the queue cannot take a message now (answered 452 at MAIL FROM); empty when it can. */
    default Optional<String> shortage() {
        return Optional.empty();
    }
}
