package dev.oauthsmtprelay.app.send;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

import dev.oauthsmtprelay.app.RelayEnvironment;
import dev.oauthsmtprelay.app.SendingSetup;
import dev.oauthsmtprelay.delivery.DeliveryPreparation;
import dev.oauthsmtprelay.delivery.QueuedBodyFiles;
import dev.oauthsmtprelay.delivery.SendingAccounts;
import dev.oauthsmtprelay.delivery.graph.GraphClient;
import dev.oauthsmtprelay.delivery.smtp.SmtpClient;
import dev.oauthsmtprelay.delivery.smtp.SmtpConnectionPool;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryReport;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.message.QueuedMessage;
import dev.oauthsmtprelay.message.RelayIds;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * Delivers one message now, bypassing the queue, through the same steps as the delivery route:
 * {@link DeliveryPreparation} picks the sender mailbox and its account, whose {@link SmtpClient} gets the token, logs
 * in and sends (or whose {@link GraphClient}, when its credentials file selects {@code "transport": "graph"}).
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
        List<SmtpConnectionPool> pools = new ArrayList<>();
        SendingAccounts accounts = SendingSetup.build(environment, clock, pools::add);
        try {
            DeliveryPreparation preparation = new DeliveryPreparation(environment.senders(), environment.fromPolicy(),
                    QueuedBodyFiles.none(), accounts);
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
            Optional<GraphClient> graph = accounts.graphFor(outgoing.mailbox());
            if (graph.isPresent()) {
                String relayId = QueuedMessage.relayId(exchange.getIn());
                try {
                    return graph.get().deliver(outgoing, relayId);
                } finally {
                    graph.get().finished(relayId, outgoing.recipients());
                }
            }
            return accounts.smtpFor(outgoing.mailbox()).deliver(outgoing);
        } finally {
            pools.forEach(SmtpConnectionPool::closeIdle); // the pools were never started; close what they kept
        }
    }
}
