package dev.oauthsmtprelay.deadletter.dsn;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.deadletter.DeadLetter;
import dev.oauthsmtprelay.deadletter.DeadLetterFiling;
import dev.oauthsmtprelay.message.DeliveryStatusFields;
import dev.oauthsmtprelay.message.HeaderFacts;
import dev.oauthsmtprelay.message.MimeHeaderSection;
import dev.oauthsmtprelay.message.StatusNotificationWriter;

/**
 * Tells the original sender that a message failed for good: a delivery status notification
 * (RFC 3464, {@code multipart/report; report-type=delivery-status}) written into the spool and
 * delivered by the relay like any message. None is sent for a message without an envelope sender,
 * for one that was itself automatic ({@code Auto-Submitted}, a report), or to the notifier's own
 * address, so notifications never loop.
 */
public final class DeliveryStatusNotifier implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStatusNotifier.class);

    private final StatusNotificationWriter notifications;

    /** @param from the mailbox notifications are sent as (relay.default-sender) */
    public DeliveryStatusNotifier(Path spoolDir, String from, String reportingMta, Clock clock) {
        this.notifications = new StatusNotificationWriter(spoolDir, from, reportingMta, clock);
    }

    /** Route step after a dead letter was filed: a notification that cannot be written is logged, not raised. */
    @Override
    public void process(Exchange exchange) {
        DeadLetter letter = exchange.getProperty(DeadLetterFiling.FILED, DeadLetter.class);
        try {
            notifySender(letter);
        } catch (Exception e) {
            // The dead letter is safe on disk; a missing notification must not send the message round again.
            LOG.warn("Could not queue a delivery status notification for dead letter {}: {}. Check that the "
                    + "spool directory (relay.spool.dir) is writable.", letter.id(), e.toString());
        }
    }

    /** @return the spool file written, or null when no notification is due for this dead letter */
    public Path notifySender(DeadLetter letter) throws IOException, MessagingException {
        String sender = letter.mailFrom();
        if (!notifications.mayNotify(sender) || HeaderFacts.read(letter.mime()).automatic()) {
            return null;
        }
        MimeBodyPart originalHeaders = new MimeBodyPart();
        originalHeaders.setContent(MimeHeaderSection.read(letter.mime()).text(), "text/rfc822-headers; charset=UTF-8");
        Path target = notifications.write(sender, "Undelivered mail returned to sender", explanation(letter),
                statusFields(letter), originalHeaders);
        LOG.info("Delivery status notification for dead letter {} queued to {} as {}", letter.id(), sender, target);
        return target;
    }

    private static String explanation(DeadLetter letter) {
        return "Your message could not be delivered to " + String.join(", ", letter.recipients())
                + ".\n\nReason: " + letter.reason() + "\n\nThe relay has given up on it. Its administrator can "
                + "retry it once the cause is fixed (dead letter " + letter.id() + ").\n";
    }

    private String statusFields(DeadLetter letter) {
        StringBuilder status = new StringBuilder(notifications.reportingMtaField())
                .append("Arrival-Date: ").append(DeliveryStatusFields.date(letter.firstAttempt())).append("\r\n");
        for (String recipient : letter.recipients()) {
            status.append("\r\nFinal-Recipient: rfc822; ").append(recipient).append("\r\n")
                    .append("Action: failed\r\n")
                    .append("Status: ").append(statusCode(letter)).append("\r\n");
            if (letter.smtpReply() != null) {
                status.append("Diagnostic-Code: smtp; ").append(DeliveryStatusFields.oneLine(letter.smtpReply()))
                        .append("\r\n");
            }
            status.append("Last-Attempt-Date: ").append(DeliveryStatusFields.date(letter.lastAttempt())).append("\r\n");
        }
        return status.toString();
    }

    /** The hub's enhanced status code when it gave one; 5.0.0 (permanent, undefined) otherwise (RFC 3463). */
    private static String statusCode(DeadLetter letter) {
        // a message that kept failing for now until relay.delivery.max-age: delivery time expired
        return DeliveryStatusFields.enhancedCode(letter.smtpReply()).map(code -> code.startsWith("5") ? code : "4.4.7")
                .orElse("5.0.0");
    }
}
