package dev.oauthsmtprelay.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Date;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/**
 * Writes a delivery status notification (RFC 3464, {@code multipart/report; report-type=delivery-status}) into the
 * spool as {@code dsn-<relay id>.eml}, where the relay picks it up and delivers it like any message. Both the
 * dead-letter notice and the listener's success receipt go through here, so they share sender, headers and format.
 */
public final class StatusNotificationWriter {

    private final Path spoolDir;
    private final String from;
    private final String reportingMta;
    private final Clock clock;

    /** @param from the mailbox notifications are sent as (relay.default-sender) */
    public StatusNotificationWriter(Path spoolDir, String from, String reportingMta, Clock clock) {
        this.spoolDir = spoolDir;
        this.from = from;
        this.reportingMta = reportingMta;
        this.clock = clock;
    }

    /** No notification goes to a missing sender or to the writer's own address, so notifications never loop. */
    public boolean mayNotify(String sender) {
        return sender != null && !sender.isBlank() && !sender.equalsIgnoreCase(from);
    }

    /** The per-message fields' first line; the caller appends the rest of the per-message group. */
    public String reportingMtaField() {
        return "Reporting-MTA: dns; " + reportingMta + "\r\n";
    }

    /**
     * @param statusFields the message/delivery-status body: per-message fields, then one group per recipient
     * @param extra further parts after the status, e.g. the original headers
     * @return the spool file written
     */
    public Path write(String sender, String subject, String explanation, String statusFields, MimeBodyPart... extra)
            throws IOException, MessagingException {
        MimeBodyPart text = new MimeBodyPart();
        text.setText(explanation, "UTF-8");
        MimeBodyPart deliveryStatus = new MimeBodyPart();
        deliveryStatus.setContent(statusFields, "message/delivery-status");
        deliveryStatus.setHeader("Content-Transfer-Encoding", "7bit");

        MimeMultipart report = new ReportMultipart();
        report.addBodyPart(text);
        report.addBodyPart(deliveryStatus);
        for (MimeBodyPart part : extra) {
            report.addBodyPart(part);
        }
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(sender));
        message.setSubject(subject, "UTF-8");
        message.setHeader("Auto-Submitted", "auto-replied");
        message.setSentDate(Date.from(clock.instant()));
        message.setContent(report);
        message.saveChanges();
        // The spool intake gives it a Message-ID in the alias domain; Jakarta Mail's would name this host.
        message.removeHeader("Message-ID");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);

        Path target = spoolDir.resolve("dsn-" + RelayIds.next(clock) + ".eml");
        AtomicFiles.write(target, out.toByteArray());
        return target;
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
