package dev.oauthsmtprelay.delivery;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.smtp.SmtpFailureException;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.message.DeadLetterRequest;
import dev.oauthsmtprelay.message.DeliveryAttempt;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * Decides what happens to a message whose delivery failed and leaves the decision in
 * {@link DeliveryAttempt#FAILURE_ACTION} for the error handling: permanent → {@code dead-letter} at once;
 * transient → {@code retry}: back to the queue (the broker waits, with growing delays) until the message is
 * older than the maximum age, then a dead letter; configuration trouble → {@code pause} delivery, the message
 * stays queued; trouble with the sender mailbox alone → {@code pause-mailbox}: that mailbox's mail waits in the queue
 * (until the maximum age) and the others go on. With several accounts, configuration trouble of the message's account
 * → {@code pause-account}: the mail of that account's mailboxes waits the same way, and the other accounts go on.
 */
public final class DeliveryFailureHandler implements Processor {

    public static final String DEAD_LETTER = "dead-letter";
    public static final String RETRY = "retry";
    public static final String PAUSE = "pause";
    public static final String PAUSE_MAILBOX = "pause-mailbox";
    public static final String PAUSE_ACCOUNT = "pause-account";

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailureHandler.class);

    private final Duration maxAge;
    private final Clock clock;

    public DeliveryFailureHandler(Duration maxAge, Clock clock) {
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        DeliveryFailure failure = classify(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        Message in = exchange.getIn();
        exchange.setProperty(DeliveryAttempt.FAILURE_REASON, failure.getMessage());
        exchange.setProperty(DeliveryAttempt.HUB_REPLY, failure.hubReply());
        Duration age = Duration.between(QueuedMessage.queuedAt(in), clock.instant());
        switch (failure.kind()) {
            case PERMANENT -> deadLetter(exchange, failure.getMessage(), failure.hubReply());
            case CONFIGURATION -> {
                String account = DeliveryAttempt.account(exchange);
                if (account == null) {
                    exchange.setProperty(DeliveryAttempt.FAILURE_ACTION, PAUSE);
                } else {
                    pauseOrGiveUp(exchange, failure, age, PAUSE_ACCOUNT, "account " + account);
                }
            }
            case MAILBOX -> pauseOrGiveUp(exchange, failure, age, PAUSE_MAILBOX, DeliveryAttempt.mailbox(exchange));
            case TRANSIENT -> {
                int attempt = QueuedMessage.deliveryCount(in);
                if (age.compareTo(maxAge) >= 0) {
                    deadLetter(exchange, "Gave up after " + attempt + " attempt(s) over " + human(age)
                            + " (relay.delivery.max-age=" + human(maxAge) + "); last failure: " + failure.getMessage(),
                            failure.hubReply());
                } else {
                    LOG.warn("Delivery of {} ({}) as {} to {} recipient(s) failed in {} ms (attempt {}), will retry: {}",
                            QueuedMessage.relayId(in), QueuedMessage.messageId(in), DeliveryAttempt.mailbox(exchange),
                            QueuedMessage.recipients(in).size(), DeliveryAttempt.elapsedMillis(exchange), attempt,
                            failure.getMessage());
                    exchange.setProperty(DeliveryAttempt.FAILURE_ACTION, RETRY);
                }
            }
        }
    }

    private void pauseOrGiveUp(Exchange exchange, DeliveryFailure failure, Duration age, String action, String paused) {
        if (age.compareTo(maxAge) >= 0) {
            deadLetter(exchange, "Gave up after " + human(age) + " (relay.delivery.max-age=" + human(maxAge)
                    + "): delivery stayed paused for " + paused + ": " + failure.getMessage(), failure.hubReply());
        } else {
            exchange.setProperty(DeliveryAttempt.FAILURE_ACTION, action);
        }
    }

    private static void deadLetter(Exchange exchange, String reason, String hubReply) {
        exchange.setProperty(DeliveryAttempt.FAILURE_ACTION, DEAD_LETTER);
        new DeadLetterRequest("", QueuedMessage.recipients(exchange.getIn()), reason, hubReply).setOn(exchange);
    }

    static DeliveryFailure classify(Throwable caught) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (t instanceof DeliveryFailure failure) {
                return failure;
            }
            if (t instanceof SmtpFailureException wrapped) {
                return wrapped.failure();
            }
        }
        String text = caught == null ? "unknown error" : caught.getClass().getSimpleName() + ": " + caught.getMessage();
        return new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Unexpected error: " + text, null, caught);
    }

    private static String human(Duration duration) {
        long minutes = duration.toMinutes();
        if (minutes >= 2 * 24 * 60) {
            return duration.toDays() + " days";
        }
        return minutes >= 120 ? duration.toHours() + " h" : minutes >= 1 ? minutes + " min" : duration.toSeconds() + " s";
    }
}
