package dev.oauthsmtprelay.delivery.receipt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.message.AtomicFiles;
import dev.oauthsmtprelay.message.DeliveryStatusFields;
import dev.oauthsmtprelay.message.RelayIds;

/**
 * The receipt of a message taken by the SMTP listener with relay.listener.receipts on: an RFC 3464 delivery status
 * notification ({@code Action: delivered}, and {@code failed} or {@code delayed} for the recipients that were not)
 * to the envelope sender, written into the spool and delivered like any message. A message that became a dead letter
 * as a whole gets none here: that notification is relay.dsn.enabled's.
 */
public final class DeliveryNotification implements Processor {

    public static final String BEAN = "relayDeliveryNotification";
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryNotification.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path spoolDir;
    private final String from;
    private final String reportingMta;
    private final Clock clock;

    /** @param from the mailbox notifications are sent as (relay.default-sender) */
    public DeliveryNotification(Path spoolDir, String from, String reportingMta, Clock clock) {
        this.spoolDir = spoolDir;
        this.from = from;
        this.reportingMta = reportingMta;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws IOException, MessagingException {
        String to = exchange.getProperty("relayReceiptTo", String.class);
        String sender = to == null ? "" : to.substring("dsn:".length());
        JsonNode receipt = JSON.readTree(exchange.getIn().getBody(String.class));
        if (sender.isBlank() || sender.equalsIgnoreCase(from)
                || DeliveryReceipts.DEAD_LETTER.equals(receipt.path("outcome").asText())) {
            return;
        }
        Path target = spoolDir.resolve("dsn-" + RelayIds.next(clock) + ".eml");
        AtomicFiles.write(target, compose(receipt, sender));
        LOG.info("Delivery notification for {} queued to {} as {}", receipt.path("relayId").asText(), sender, target);
    }

    private byte[] compose(JsonNode receipt, String sender) throws MessagingException, IOException {
        StringBuilder text = new StringBuilder("Your message ").append(receipt.path("messageId").asText())
                .append(" was delivered to ").append(String.join(", ", JSON.convertValue(receipt.path("accepted"),
                        String[].class))).append(".\n");
        StringBuilder status = new StringBuilder()
                .append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n")
                .append("X-Relay-Id: ").append(receipt.path("relayId").asText()).append("\r\n");
        String at = DeliveryStatusFields.date(Instant.parse(receipt.path("at").asText()));
        for (JsonNode accepted : receipt.path("accepted")) {
            status.append("\r\nFinal-Recipient: rfc822; ").append(accepted.asText()).append("\r\n")
                    .append("Action: delivered\r\nStatus: 2.0.0\r\n")
                    .append("Diagnostic-Code: smtp; ").append(oneLine(receipt.path("reply").asText())).append("\r\n")
                    .append("Last-Attempt-Date: ").append(at).append("\r\n");
        }
        for (JsonNode rejected : receipt.path("rejected")) {
            boolean terminal = rejected.path("final").asBoolean();
            String reply = oneLine(rejected.path("reply").asText());
            text.append("\nNot (yet) delivered to ").append(rejected.path("recipient").asText()).append(": ")
                    .append(reply).append(terminal ? "" : " (the relay keeps trying)");
            status.append("\r\nFinal-Recipient: rfc822; ").append(rejected.path("recipient").asText()).append("\r\n")
                    .append("Action: ").append(terminal ? "failed" : "delayed").append("\r\n")
                    .append("Status: ").append(statusCode(reply, terminal)).append("\r\n")
                    .append("Diagnostic-Code: smtp; ").append(reply).append("\r\n")
                    .append("Last-Attempt-Date: ").append(at).append("\r\n");
        }
        MimeBodyPart explanation = new MimeBodyPart();
        explanation.setText(text.append("\n").toString(), "UTF-8");
        MimeBodyPart deliveryStatus = new MimeBodyPart();
        deliveryStatus.setContent(status.toString(), "message/delivery-status");
        deliveryStatus.setHeader("Content-Transfer-Encoding", "7bit");

        MimeMultipart report = new MimeMultipart("report");
        report.addBodyPart(explanation);
        report.addBodyPart(deliveryStatus);
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(sender));
        message.setSubject("Successful Mail Delivery Report", "UTF-8");
        message.setHeader("Auto-Submitted", "auto-replied");
        message.setSentDate(Date.from(clock.instant()));
        message.setContent(report);
        message.saveChanges();
        // multipart/report needs its report-type, which MimeMultipart's subtype alone cannot say
        ContentType type = new ContentType(report.getContentType());
        type.setParameter("report-type", "delivery-status");
        message.setHeader("Content-Type", type.toString());
        message.removeHeader("Message-ID"); // the spool intake gives it one in the alias domain
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static String statusCode(String reply, boolean terminal) {
        return DeliveryStatusFields.enhancedCode(reply).orElse(terminal ? "5.0.0" : "4.0.0");
    }

    private static String oneLine(String text) {
        return DeliveryStatusFields.oneLine(text);
    }
}
