package dev.oauthsmtprelay.delivery;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultMessage;

import dev.oauthsmtprelay.delivery.receipt.DeliveryReceipts;
import dev.oauthsmtprelay.message.DeliveryAttempt;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * Turns the exchange into the copy of its message for the recipients the hub refused for now
 * ({@link DeliveryAttempt#REFUSED_FOR_NOW}), ready for the delivery queue: the queued bytes, and only the queue
 * contract's properties, with those recipients and the relay id marked {@code -retry}.
 */
public final class PartialRequeue implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        @SuppressWarnings("unchecked")
        List<String> recipients = exchange.getProperty(DeliveryAttempt.REFUSED_FOR_NOW, List.class);
        Message queued = exchange.getIn();
        Message copy = new DefaultMessage(exchange);
        copy.setBody(DeliveryAttempt.queuedMime(exchange));
        // the producer got its receipt already when this attempt delivered to anyone, with these as retried
        boolean receiptSent = Boolean.TRUE.equals(exchange.getProperty(DeliveryReceipts.SENT, Boolean.class));
        queued.getHeaders().forEach((name, value) -> {
            if (name.startsWith(QueuedMessage.PREFIX) && !(receiptSent && (name.equals(QueuedMessage.RECEIPT_TO)
                    || name.equals(QueuedMessage.RECEIPT_CORRELATION)))) {
                copy.setHeader(name, value);
            }
        });
        copy.setHeader(QueuedMessage.RECIPIENTS, String.join("\n", recipients));
        copy.setHeader(QueuedMessage.RELAY_ID, QueuedMessage.relayId(queued) + "-retry");
        exchange.setIn(copy);
    }
}
