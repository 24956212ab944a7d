package dev.oauthsmtprelay.delivery.transport;

/** Checks, without sending anything, that a transport would take mail from a mailbox again (used while paused). */
@FunctionalInterface
public interface DeliveryProbe {

    /** @return what the provider answered, for the log line when delivery resumes */
    String probe(String mailbox) throws DeliveryFailure;
}
