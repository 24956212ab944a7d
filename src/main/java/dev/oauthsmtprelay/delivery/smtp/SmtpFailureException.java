package dev.oauthsmtprelay.delivery.smtp;

import jakarta.mail.MessagingException;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;

/** Carries a classified {@link DeliveryFailure} through camel-mail, whose sender may only throw MessagingException. */
public final class SmtpFailureException extends MessagingException {

    private final DeliveryFailure failure;

    public SmtpFailureException(DeliveryFailure failure) {
        super(failure.getMessage());
        this.failure = failure;
    }

    public DeliveryFailure failure() {
        return failure;
    }
}
