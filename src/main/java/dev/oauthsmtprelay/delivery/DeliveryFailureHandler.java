package dev.oauthsmtprelay.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.mail.SmtpFailure;
import dev.oauthsmtprelay.mail.SmtpFailureException;
import dev.oauthsmtprelay.metrics.RelayMetrics;

/**
 * Decides what happens to a message whose delivery failed: permanent → dead letter at once;
 * transient → back to the queue (the broker waits, with growing delays) until the message is
 * older than the maximum age; configuration trouble → pause delivery, message stays queued.
 */
public final class DeliveryFailureHandler implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailureHandler.class);

    private final DeadLetters deadLetters;
    private final DeliveryGate gate;
    private final Duration maxAge;
    private final Clock clock;

    public DeliveryFailureHandler(DeadLetters deadLetters, DeliveryGate gate, Duration maxAge, Clock clock) {
        this.deadLetters = deadLetters;
        this.gate = gate;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        SmtpFailure failure = classify(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        Message in = exchange.getIn();
        String id = QueuedMessage.relayId(in);
        switch (failure.kind()) {
            case PERMANENT -> deadLetters.file(exchange, "", QueuedMessage.recipients(in), failure.getMessage(),
                    failure.hubReply());
            case CONFIGURATION -> {
                gate.pause(exchange.getProperty(DeliveryPreparation.MAILBOX, String.class), failure.getMessage());
                exchange.setRollbackOnly(true);
            }
            case TRANSIENT -> {
                Instant queuedAt = QueuedMessage.queuedAt(in);
                Duration age = Duration.between(queuedAt, clock.instant());
                int attempt = QueuedMessage.deliveryCount(in);
                if (age.compareTo(maxAge) >= 0) {
                    deadLetters.file(exchange, "", QueuedMessage.recipients(in), "Gave up after " + attempt
                            + " attempt(s) over " + human(age) + " (relay.delivery.max-age=" + human(maxAge)
                            + "); last failure: " + failure.getMessage(), failure.hubReply());
                } else {
                    LOG.warn("Delivery of {} ({}) as {} to {} recipient(s) failed in {} ms (attempt {}), will retry: {}",
                            id, QueuedMessage.messageId(in), exchange.getProperty(DeliveryPreparation.MAILBOX, String.class),
                            QueuedMessage.recipients(in).size(), DeadLetters.elapsedMillis(exchange), attempt,
                            failure.getMessage());
                    RelayMetrics.of(exchange).retried();
                    exchange.setRollbackOnly(true);
                }
            }
        }
    }

    static SmtpFailure classify(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof SmtpFailure failure) {
                return failure;
            }
            if (t instanceof SmtpFailureException wrapped) {
                return wrapped.failure();
            }
        }
        String text = caught == null ? "unknown error" : caught.getClass().getSimpleName() + ": " + caught.getMessage();
        return new SmtpFailure(SmtpFailure.Kind.TRANSIENT, "Unexpected error: " + text, null, caught);
    }

    private static String human(Duration duration) {
        long minutes = duration.toMinutes();
        if (minutes >= 2 * 24 * 60) {
            return duration.toDays() + " days";
        }
        return minutes >= 120 ? duration.toHours() + " h" : minutes >= 1 ? minutes + " min" : duration.toSeconds() + " s";
    }
}
