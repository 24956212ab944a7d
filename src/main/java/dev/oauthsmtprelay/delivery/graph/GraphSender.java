package dev.oauthsmtprelay.delivery.graph;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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

    private final Function<String, Optional<GraphClient>> clientForMailbox;

    /** @param clientForMailbox the Graph client of the account that sends as a mailbox, empty when it uses SMTP */
    public GraphSender(Function<String, Optional<GraphClient>> clientForMailbox) {
        this.clientForMailbox = clientForMailbox;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        OutgoingMessage message = exchange.getIn().getBody(OutgoingMessage.class);
        GraphClient client = clientForMailbox.apply(message.mailbox()).orElseThrow(() -> new DeliveryFailure(
                DeliveryFailure.Kind.CONFIGURATION, "This message was prepared for Microsoft Graph, but the credentials "
                + "file of " + message.mailbox() + " does not select \"transport\": \"graph\".", null, null));
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
