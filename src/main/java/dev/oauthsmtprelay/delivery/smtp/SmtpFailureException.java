package dev.oauthsmtprelay.delivery.smtp;

import jakarta.mail.MessagingException;

/** Carries a classified {@link SmtpFailure} through camel-mail, whose sender may only throw MessagingException. */
public final class SmtpFailureException extends MessagingException {

    private final SmtpFailure failure;

    public SmtpFailureException(SmtpFailure failure) {
        super(failure.getMessage());
        this.failure = failure;
    }

    public SmtpFailure failure() {
        return failure;
    }
}
