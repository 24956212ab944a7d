package dev.oauthsmtprelay.delivery.graph;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * The delivery route's step for the Graph transport: sends the prepared {@link OutgoingMessage} and, once the
 * message has left the queue (delivered or a dead letter), forgets its draft. An attempt that rolls back, to be
 * retried or because delivery paused, keeps the draft record for the next one.
 */
public final class GraphSender implements Processor {

    private final GraphClient client;

    public GraphSender(GraphClient client) {
        this.client = client;
    }

    /** For a relay whose account sends over SMTP: the route's Graph branch is never taken then. */
    public static Processor none() {
        return exchange -> {
            throw new DeliveryFailure(DeliveryFailure.Kind.CONFIGURATION, "This message was prepared for Microsoft "
                    + "Graph, but the credentials file does not select \"transport\": \"graph\".", null, null);
        };
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        OutgoingMessage message = exchange.getIn().getBody(OutgoingMessage.class);
        String relayId = QueuedMessage.relayId(exchange.getIn());
        List<String> recipients = message.recipients();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                // delivered or a dead letter; a retry or pause rolls back and needs the draft again
                if (!done.isRollbackOnly() && !done.isRollbackOnlyLast()) {
                    client.finished(relayId, recipients);
                }
            }
        });
        client.deliver(message, relayId);
    }
}
