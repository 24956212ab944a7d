package dev.oauthsmtprelay.queue;

import java.time.Duration;

import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.MessageListenerContainerFactory;
import org.springframework.jms.listener.AbstractMessageListenerContainer;

/**
 * Makes the delivery route's {@link BatchAckListenerContainer}s ({@code consumerType: Custom},
 * {@code messageListenerContainerFactory: "#relayDeliveryContainers"}); camel-jms configures them like its own.
 */
public final class DeliveryListenerContainers implements MessageListenerContainerFactory {

    public static final String BEAN = "relayDeliveryContainers";

    private final int batchSize;
    private final Duration maxWait;

    /** See {@link BatchAckListenerContainer#BatchAckListenerContainer(JmsEndpoint, int, Duration)}. */
    public DeliveryListenerContainers(int batchSize, Duration maxWait) {
        this.batchSize = batchSize;
        this.maxWait = maxWait;
    }

    @Override
    public AbstractMessageListenerContainer createMessageListenerContainer(JmsEndpoint endpoint) {
        return new BatchAckListenerContainer(endpoint, batchSize, maxWait);
    }
}
