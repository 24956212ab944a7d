package dev.oauthsmtprelay.deadletter.dsn;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.Locale;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.deadletter.DeadLetter;
import dev.oauthsmtprelay.deadletter.DeadLetterFiling;
import dev.oauthsmtprelay.message.AtomicFiles;
import dev.oauthsmtprelay.message.DeliveryStatusFields;
import dev.oauthsmtprelay.message.MimeHeaderSection;
import dev.oauthsmtprelay.message.RelayIds;

/**
 * Tells the original sender that a message failed for good: a delivery status notification
 * (RFC 3464, {@code multipart/report; report-type=delivery-status}) written into the spool and
 * delivered by the relay like any message. None is sent for a message without an envelope sender,
 * for one that was itself automatic ({@code Auto-Submitted}, a report), or to the notifier's own
 * address, so notifications never loop.
 */
public final class DeliveryStatusNotifier implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStatusNotifier.class);

    private final Path spoolDir;
    private final String from;
    private final String reportingMta;
    private final Clock clock;

    /** @param from the mailbox notifications are sent as (relay.default-sender) */
    public DeliveryStatusNotifier(Path spoolDir, String from, String reportingMta, Clock clock) {
        this.spoolDir = spoolDir;
        this.from = from;
        this.reportingMta = reportingMta;
        this.clock = clock;
    }

    /** @return the spool file written, or null when no notification is due for this dead letter */
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

    public Path notifySender(DeadLetter letter) throws IOException, MessagingException {
        String sender = letter.mailFrom();
        if (sender == null || sender.isBlank() || sender.equalsIgnoreCase(from) || automatic(letter.mime())) {
            return null;
        }
        byte[] mime = compose(letter, sender);
        Path target = spoolDir.resolve("dsn-" + RelayIds.next(clock) + ".eml");
        AtomicFiles.write(target, mime);
        LOG.info("Delivery status notification for dead letter {} queued to {} as {}", letter.id(), sender, target);
        return target;
    }

    private static boolean automatic(byte[] mime) throws MessagingException {
        InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(mime));
        String autoSubmitted = headers.getHeader("Auto-Submitted", null);
        String contentType = headers.getHeader("Content-Type", null);
        return autoSubmitted != null && !autoSubmitted.trim().equalsIgnoreCase("no")
                || contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/report");
    }

    private byte[] compose(DeadLetter letter, String sender) throws MessagingException, IOException {
        MimeBodyPart explanation = new MimeBodyPart();
        explanation.setText("Your message could not be delivered to " + String.join(", ", letter.recipients())
                + ".\n\nReason: " + letter.reason() + "\n\nThe relay has given up on it. Its administrator can "
                + "retry it once the cause is fixed (dead letter " + letter.id() + ").\n", "UTF-8");

        StringBuilder status = new StringBuilder()
                .append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n")
                .append("Arrival-Date: ").append(DeliveryStatusFields.date(letter.firstAttempt())).append("\r\n");
        for (String recipient : letter.recipients()) {
            status.append("\r\nFinal-Recipient: rfc822; ").append(recipient).append("\r\n")
                    .append("Action: failed\r\n")
                    .append("Status: ").append(statusCode(letter)).append("\r\n");
            if (letter.smtpReply() != null) {
                status.append("Diagnostic-Code: smtp; ").append(oneLine(letter.smtpReply())).append("\r\n");
            }
            status.append("Last-Attempt-Date: ").append(DeliveryStatusFields.date(letter.lastAttempt())).append("\r\n");
        }
        MimeBodyPart deliveryStatus = new MimeBodyPart();
        deliveryStatus.setContent(status.toString(), "message/delivery-status");
        deliveryStatus.setHeader("Content-Transfer-Encoding", "7bit");

        MimeBodyPart originalHeaders = new MimeBodyPart();
        originalHeaders.setContent(MimeHeaderSection.read(letter.mime()).text(), "text/rfc822-headers; charset=UTF-8");

        MimeMultipart report = new ReportMultipart();
        report.addBodyPart(explanation);
        report.addBodyPart(deliveryStatus);
        report.addBodyPart(originalHeaders);

        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(sender));
        message.setSubject("Undelivered mail returned to sender", "UTF-8");
        message.setHeader("Auto-Submitted", "auto-replied");
        message.setSentDate(Date.from(clock.instant()));
        message.setContent(report);
        message.saveChanges();
        // The spool intake gives it a Message-ID in the alias domain; Jakarta Mail's would name this host.
        message.removeHeader("Message-ID");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** The hub's enhanced status code when it gave one; 5.0.0 (permanent, undefined) otherwise (RFC 3463). */
    private static String statusCode(DeadLetter letter) {
        // a message that kept failing for now until relay.delivery.max-age: delivery time expired
        return DeliveryStatusFields.enhancedCode(letter.smtpReply()).map(code -> code.startsWith("5") ? code : "4.4.7")
                .orElse("5.0.0");
    }

    private static String oneLine(String text) {
        return DeliveryStatusFields.oneLine(text);
    }

    /** {@code multipart/report; report-type=delivery-status}, which MimeMultipart cannot express by its subtype alone. */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() throws MessagingException {
            super("report");
            ContentType type = new ContentType(contentType);
            type.setParameter("report-type", "delivery-status");
            contentType = type.toString();
        }
    }
}
