package dev.oauthsmtprelay.delivery.receipt;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.transport.DeliveryReport;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.message.DeadLetterRequest;
import dev.oauthsmtprelay.message.DeliveryAttempt;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * The receipt a JMS producer asked for ({@link QueuedMessage#RECEIPT_TO}): once its message was delivered, partly
 * delivered or became a dead letter, a JSON receipt (docs/jms.md) goes onto the relay's durable receipts queue,
 * before the delivery queue lets go of the message. The route {@code receipts.yaml} sends it on to the producer's
 * queue. A crash in between sends the message, and so its receipt, at most twice, both with the same relay id.
 */
public final class DeliveryReceipts {

    public static final String BEAN = "relayReceipts";
    /** Exchange property: this attempt sent the message's receipt, so a copy queued for the rest needs none. */
    public static final String SENT = "relayReceiptSent";
    /** Exchange property of the receipts route (receipts.yaml): where this receipt goes, "file:", "dsn:" or a queue. */
    public static final String RECEIPT_TO = "relayReceiptTo";
    public static final String DELIVERED = "delivered";
    public static final String PARTLY_DELIVERED = "partly-delivered";
    public static final String DEAD_LETTER = "dead-letter";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReceipts.class);

    private final ProducerTemplate producer;
    private final String receiptsEndpoint;
    private final Clock clock;

    /** @param receiptsEndpoint the relay's receipts queue, as an endpoint URI */
    public DeliveryReceipts(ProducerTemplate producer, String receiptsEndpoint, Clock clock) {
        this.producer = producer;
        this.receiptsEndpoint = receiptsEndpoint;
        this.clock = clock;
    }

    /** After the hub or Graph took the message, for some recipients at least. */
    public void afterDelivery(Exchange exchange) {
        if (exchange.getIn().getHeader(QueuedMessage.RECEIPT_TO) == null) {
            return;
        }
        OutgoingMessage message = exchange.getIn().getBody(OutgoingMessage.class);
        DeliveryReport report = message.report();
        @SuppressWarnings("unchecked")
        List<String> deferred = exchange.getProperty(DeliveryAttempt.DEFERRED, List.class);
        boolean pending = !report.rejectedTemporarily().isEmpty() || deferred != null && !deferred.isEmpty();
        if (report.accepted().isEmpty() && report.rejectedPermanently().isEmpty()) {
            return; // everyone refused for now: the copy queued again carries the receipt
        }
        String outcome = report.complete() && !pending ? DELIVERED
                : report.accepted().isEmpty() && !pending ? DEAD_LETTER : PARTLY_DELIVERED;
        ObjectNode receipt = receipt(exchange, outcome, report.hubReply());
        ArrayNode accepted = receipt.putArray("accepted");
        report.accepted().forEach(accepted::add);
        ArrayNode rejected = receipt.putArray("rejected");
        rejected(rejected, report.rejectedPermanently(), true);
        rejected(rejected, report.rejectedTemporarily(), false);
        if (deferred != null) {
            deferred.forEach(address -> rejected.addObject().put("recipient", address)
                    .put("reply", "queued for the provider's next batch of recipients").put("final", false));
        }
        send(exchange, receipt);
    }

    /** The whole message became a dead letter (the delivery error handling's dead-letter branch). */
    public void afterDeadLetter(Exchange exchange) {
        if (exchange.getIn().getHeader(QueuedMessage.RECEIPT_TO) == null) {
            return;
        }
        DeadLetterRequest request = DeadLetterRequest.of(exchange);
        String reply = request != null ? request.hubReply() : exchange.getProperty(DeliveryAttempt.HUB_REPLY,
                String.class);
        ObjectNode receipt = receipt(exchange, DEAD_LETTER, reply);
        receipt.putArray("accepted");
        ArrayNode rejected = receipt.putArray("rejected");
        for (String recipient : QueuedMessage.recipients(exchange.getIn())) {
            rejected.addObject().put("recipient", recipient).put("reply", reply).put("final", true);
        }
        receipt.put("reason", request != null ? request.reason()
                : exchange.getProperty(DeliveryAttempt.FAILURE_REASON, String.class));
        send(exchange, receipt);
    }

    private ObjectNode receipt(Exchange exchange, String outcome, String reply) {
        ObjectNode receipt = JSON.createObjectNode();
        receipt.put("relayId", QueuedMessage.relayId(exchange.getIn()));
        receipt.put("correlationId", exchange.getIn().getHeader(QueuedMessage.RECEIPT_CORRELATION, "", String.class));
        receipt.put("messageId", QueuedMessage.messageId(exchange.getIn()));
        receipt.put("outcome", outcome);
        receipt.put("at", clock.instant().toString());
        receipt.put("mailbox", exchange.getProperty(DeliveryAttempt.MAILBOX, String.class));
        receipt.put("reply", reply);
        return receipt;
    }

    private static void rejected(ArrayNode rejected, Map<String, String> replies, boolean terminal) {
        replies.forEach((address, reply) -> rejected.addObject().put("recipient", address).put("reply", reply)
                .put("final", terminal));
    }

    private void send(Exchange exchange, ObjectNode receipt) {
        String body;
        try {
            body = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(receipt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String to = exchange.getIn().getHeader(QueuedMessage.RECEIPT_TO, String.class);
        String correlation = exchange.getIn().getHeader(QueuedMessage.RECEIPT_CORRELATION, "", String.class);
        String relayId = QueuedMessage.relayId(exchange.getIn());
        Exchange sent = producer.send(receiptsEndpoint, out -> {
            out.getIn().setBody(body);
            out.getIn().setHeader(QueuedMessage.RECEIPT_TO, to);
            out.getIn().setHeader("JMSCorrelationID", correlation);
            out.getIn().setHeader(QueuedMessage.RELAY_ID, relayId);
            out.getIn().setHeader("RelayOutcome", receipt.path("outcome").asText());
        });
        if (sent.getException() != null) {
            // the message itself went out: failing it now would send it again
            LOG.error("The receipt for {} could not be queued for {}, so the producer gets none: {}. Check the "
                    + "broker's disk (relay.data.dir).", relayId, to, sent.getException().getMessage());
            return;
        }
        exchange.setProperty(SENT, true);
    }
}
