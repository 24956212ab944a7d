package dev.oauthsmtprelay.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.transport.DeliveryReport;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.message.DeadLetterRequest;
import dev.oauthsmtprelay.message.DeliveryAttempt;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * After the hub took the message: one log line per delivery; the recipients the hub refused for good become a
 * {@link DeadLetterRequest}, those it refused for now {@link DeliveryAttempt#REFUSED_FOR_NOW}, for the route's
 * next steps.
 */
public final class DeliveryOutcome implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryOutcome.class);

    @Override
    public void process(Exchange exchange) {
        OutgoingMessage message = exchange.getIn().getBody(OutgoingMessage.class);
        DeliveryReport report = message.report();
        exchange.setProperty(DeliveryAttempt.ACCEPTED, report.accepted().size());
        LOG.info("Delivered {} ({}) as {} to {} recipient(s) in {} ms: {}", QueuedMessage.relayId(exchange.getIn()),
                QueuedMessage.messageId(exchange.getIn()), message.mailbox(), report.accepted().size(),
                DeliveryAttempt.elapsedMillis(exchange), report.hubReply());
        if (!report.rejectedPermanently().isEmpty()) {
            new DeadLetterRequest("-refused", new ArrayList<>(report.rejectedPermanently().keySet()),
                    "The hub refused these recipients: " + describe(report.rejectedPermanently()),
                    String.join("; ", report.rejectedPermanently().values())).setOn(exchange);
        }
        List<String> again = new ArrayList<>();
        if (!report.rejectedTemporarily().isEmpty()) {
            again.addAll(report.rejectedTemporarily().keySet());
            LOG.info("Queuing {} again for {} recipient(s) the hub refused for now: {}",
                    QueuedMessage.relayId(exchange.getIn()), report.rejectedTemporarily().size(),
                    describe(report.rejectedTemporarily()));
        }
        @SuppressWarnings("unchecked")
        List<String> deferred = exchange.getProperty(DeliveryAttempt.DEFERRED, List.class);
        if (deferred != null && !deferred.isEmpty()) {
            again.addAll(deferred);
            LOG.info("Queuing {} again for the next {} recipient(s): the provider takes {} per message "
                    + "(relay.delivery.recipients-per-transaction)", QueuedMessage.relayId(exchange.getIn()),
                    deferred.size(), report.accepted().size() + report.rejectedPermanently().size()
                            + report.rejectedTemporarily().size());
        }
        if (!again.isEmpty()) {
            exchange.setProperty(DeliveryAttempt.REFUSED_FOR_NOW, List.copyOf(again));
        }
    }

    private static String describe(Map<String, String> replies) {
        StringBuilder text = new StringBuilder();
        replies.forEach((address, reply) -> text.append(text.length() == 0 ? "" : "; ").append(address).append(": ")
                .append(reply));
        return text.toString();
    }
}
