package dev.oauthsmtprelay.queue;

import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.MessageListenerContainerFactory;
import org.springframework.jms.listener.AbstractMessageListenerContainer;

/**
 * Makes {@link PromptStopListenerContainer}s for camel-jms consumers ({@code consumerType: Custom},
 * {@code messageListenerContainerFactory: "#relayPromptStopContainers"}); camel-jms configures them like its own.
 */
public final class PromptStopListenerContainers implements MessageListenerContainerFactory {

    public static final String BEAN = "relayPromptStopContainers";

    @Override
    public AbstractMessageListenerContainer createMessageListenerContainer(JmsEndpoint endpoint) {
        return new PromptStopListenerContainer(endpoint);
    }
}
