package dev.oauthsmtprelay.delivery.receipt;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.MessagingException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.message.DeliveryStatusFields;
import dev.oauthsmtprelay.message.StatusNotificationWriter;

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

    private final StatusNotificationWriter notifications;

    /** @param from the mailbox notifications are sent as (relay.default-sender) */
    public DeliveryNotification(Path spoolDir, String from, String reportingMta, Clock clock) {
        this.notifications = new StatusNotificationWriter(spoolDir, from, reportingMta, clock);
    }

    @Override
    public void process(Exchange exchange) throws IOException, MessagingException {
        String to = exchange.getProperty(DeliveryReceipts.RECEIPT_TO, String.class);
        String sender = to == null ? "" : to.substring("dsn:".length());
        JsonNode receipt = JSON.readTree(exchange.getIn().getBody(String.class));
        if (!notifications.mayNotify(sender) || DeliveryReceipts.DEAD_LETTER.equals(receipt.path("outcome").asText())) {
            return;
        }
        Path target = notifications.write(sender, "Successful Mail Delivery Report", explanation(receipt),
                statusFields(receipt));
        LOG.info("Delivery notification for {} queued to {} as {}", receipt.path("relayId").asText(), sender, target);
    }

    private static String explanation(JsonNode receipt) {
        StringBuilder text = new StringBuilder("Your message ").append(receipt.path("messageId").asText())
                .append(" was delivered to ").append(String.join(", ", JSON.convertValue(receipt.path("accepted"),
                        String[].class))).append(".\n");
        for (JsonNode rejected : receipt.path("rejected")) {
            text.append("\nNot (yet) delivered to ").append(rejected.path("recipient").asText()).append(": ")
                    .append(oneLine(rejected.path("reply").asText()))
                    .append(rejected.path("final").asBoolean() ? "" : " (the relay keeps trying)");
        }
        return text.append("\n").toString();
    }

    private String statusFields(JsonNode receipt) {
        StringBuilder status = new StringBuilder(notifications.reportingMtaField())
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
            status.append("\r\nFinal-Recipient: rfc822; ").append(rejected.path("recipient").asText()).append("\r\n")
                    .append("Action: ").append(terminal ? "failed" : "delayed").append("\r\n")
                    .append("Status: ").append(statusCode(reply, terminal)).append("\r\n")
                    .append("Diagnostic-Code: smtp; ").append(reply).append("\r\n")
                    .append("Last-Attempt-Date: ").append(at).append("\r\n");
        }
        return status.toString();
    }

    private static String statusCode(String reply, boolean terminal) {
        return DeliveryStatusFields.enhancedCode(reply).orElse(terminal ? "5.0.0" : "4.0.0");
    }

    private static String oneLine(String text) {
        return DeliveryStatusFields.oneLine(text);
    }
}
