package dev.oauthsmtprelay.queue;

import java.util.Objects;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsBinding;

/**
 * The intake routes' last step: puts the exchange on the delivery queue through the {@link QueueBatchSender} and
 * returns once it is committed. The message is made by the queue endpoint's own {@link JmsBinding}, so body and
 * headers become exactly the JMS message a camel-jms producer would send (the delivery route reads it back with the
 * same binding).
 */
public final class BatchedQueueProducer implements Processor {

    public static final String BEAN = "relayQueueSend";

    private final QueueBatchSender sender;
    private final JmsBinding binding;

    public BatchedQueueProducer(QueueBatchSender sender, JmsBinding binding) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.binding = Objects.requireNonNull(binding, "binding");
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        sender.send(session -> binding.makeJmsMessage(exchange, session));
    }
}
