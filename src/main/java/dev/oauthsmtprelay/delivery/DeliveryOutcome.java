package dev.oauthsmtprelay.delivery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.mail.DeliveryReport;
import dev.oauthsmtprelay.mail.OutgoingMessage;
import dev.oauthsmtprelay.metrics.RelayMetrics;

/**
 * After the hub took the message: one log line per delivery, a dead letter for recipients the
 * hub refused for good, and a new queue entry for recipients it refused for now.
 */
public final class DeliveryOutcome implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryOutcome.class);

    private final DeadLetters deadLetters;
    private final ProducerTemplate queue;
    private final String queueUri;

    public DeliveryOutcome(DeadLetters deadLetters, ProducerTemplate queue, String queueUri) {
        this.deadLetters = deadLetters;
        this.queue = queue;
        this.queueUri = queueUri;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        OutgoingMessage message = exchange.getIn().getBody(OutgoingMessage.class);
        DeliveryReport report = message.report();
        long started = exchange.getProperty(DeliveryPreparation.STARTED, Long.class);
        long nanos = System.nanoTime() - started;
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        if (!report.accepted().isEmpty()) {
            RelayMetrics.of(exchange).delivered(java.time.Duration.ofNanos(nanos));
        }
        LOG.info("Delivered {} ({}) as {} to {} recipient(s) in {} ms: {}", QueuedMessage.relayId(exchange.getIn()),
                QueuedMessage.messageId(exchange.getIn()), message.mailbox(), report.accepted().size(), millis,
                report.hubReply());
        if (!report.rejectedPermanently().isEmpty()) {
            deadLetters.file(exchange, "-refused", new ArrayList<>(report.rejectedPermanently().keySet()),
                    "The hub refused these recipients: " + describe(report.rejectedPermanently()),
                    String.join("; ", report.rejectedPermanently().values()));
        }
        if (!report.rejectedTemporarily().isEmpty()) {
            Map<String, Object> headers = new HashMap<>();
            exchange.getIn().getHeaders().forEach((name, value) -> {
                if (name.startsWith("Relay")) {
                    headers.put(name, value);
                }
            });
            headers.put(QueuedMessage.RECIPIENTS, String.join("\n", report.rejectedTemporarily().keySet()));
            headers.put(QueuedMessage.RELAY_ID, QueuedMessage.relayId(exchange.getIn()) + "-retry");
            queue.sendBodyAndHeaders(queueUri, DeliveryPreparation.queuedMime(exchange), headers);
            LOG.info("Queued {} again for {} recipient(s) the hub refused for now: {}",
                    QueuedMessage.relayId(exchange.getIn()), report.rejectedTemporarily().size(),
                    describe(report.rejectedTemporarily()));
        }
    }

    private static String describe(Map<String, String> replies) {
        StringBuilder text = new StringBuilder();
        replies.forEach((address, reply) -> text.append(text.length() == 0 ? "" : "; ").append(address).append(": ")
                .append(reply));
        return text.toString();
    }
}
