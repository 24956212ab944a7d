package dev.oauthsmtprelay.app.send;

import java.time.Clock;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

import dev.oauthsmtprelay.app.GraphSetup;
import dev.oauthsmtprelay.app.RelayEnvironment;
import dev.oauthsmtprelay.delivery.DeliveryPreparation;
import dev.oauthsmtprelay.delivery.graph.GraphClient;
import dev.oauthsmtprelay.delivery.sender.SenderResolver;
import dev.oauthsmtprelay.delivery.smtp.SmtpClient;
import dev.oauthsmtprelay.delivery.smtp.SmtpSettings;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryReport;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.message.QueuedMessage;
import dev.oauthsmtprelay.message.RelayIds;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * Delivers one message now, bypassing the queue, through the same steps as the delivery route:
 * {@link DeliveryPreparation} picks the sender mailbox, {@link SmtpClient} gets the token, logs in and sends (or
 * {@link GraphClient}, when the credentials file selects {@code "transport": "graph"}).
 */
public final class ImmediateDelivery {

    private final CamelContext context;
    private final RelayEnvironment environment;
    private final Clock clock;

    public ImmediateDelivery(CamelContext context, RelayEnvironment environment, Clock clock) {
        this.context = context;
        this.environment = environment;
        this.clock = clock;
    }

    public DeliveryReport deliver(RelayMessage message) throws DeliveryFailure {
        SmtpClient client = new SmtpClient(SmtpSettings.from(environment.settings(), environment.smtpHost()),
                environment.tokenService());
        try {
            DeliveryPreparation preparation = new DeliveryPreparation(SenderResolver.from(environment.settings()),
                    client.session(), environment.fromPolicy());
            Exchange exchange = new DefaultExchange(context);
            QueuedMessage.write(exchange.getIn(), message, RelayIds.next(clock), "send", clock.instant());
            try {
                preparation.process(exchange);
            } catch (DeliveryFailure e) {
                throw e;
            } catch (Exception e) {
                throw new DeliveryFailure(DeliveryFailure.Kind.PERMANENT, "The message cannot be prepared: " + e.getMessage(),
                        null, e);
            }
            OutgoingMessage outgoing = exchange.getIn().getBody(OutgoingMessage.class);
            Optional<GraphClient> graph = GraphSetup.client(environment, client.session(), clock);
            if (graph.isPresent()) {
                String relayId = QueuedMessage.relayId(exchange.getIn());
                try {
                    return graph.get().deliver(outgoing, relayId);
                } finally {
                    graph.get().finished(relayId, outgoing.recipients());
                }
            }
            return client.deliver(outgoing);
        } finally {
            client.pool().closeIdle(); // the pool was never started; close what it kept
        }
    }
}
