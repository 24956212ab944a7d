package dev.oauthsmtprelay.queue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import org.apache.camel.component.jms.DefaultJmsMessageListenerContainer;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-jms's listener container, except that shutting it down ends the receives that are waiting for a message
 * instead of waiting for them to time out.
 *
 * <p>An idle consumer asks the broker for a message once per {@code receiveTimeout}, and each ask costs a few
 * milliseconds of CPU on both sides. A long timeout makes an idle relay nearly free, but Spring's container waits up
 * to one timeout for its waiting receives when it shuts down. Closing a waiting consumer makes its receive return
 * nothing at once (JMS allows {@code close} from any thread). The container is no longer running by then, so a
 * message that arrives in that instant is rolled back, not processed: nothing is lost or sent twice.
 */
public class PromptStopListenerContainer extends DefaultJmsMessageListenerContainer {

    private static final Logger LOG = LoggerFactory.getLogger(PromptStopListenerContainer.class);

    private final Set<MessageConsumer> waiting = ConcurrentHashMap.newKeySet();

    public PromptStopListenerContainer(JmsEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    protected Message receiveMessage(MessageConsumer consumer) throws JMSException {
        waiting.add(consumer);
        try {
            return super.receiveMessage(consumer);
        } finally {
            waiting.remove(consumer);
        }
    }

    @Override
    protected void doShutdown() throws JMSException {
        for (MessageConsumer consumer : waiting) {
            try {
                consumer.close();
            } catch (JMSException | RuntimeException e) {
                LOG.debug("Closing a waiting consumer of {} failed; its receive ends at its timeout instead: {}",
                        getDestinationDescription(), e.toString());
            }
        }
        super.doShutdown();
    }

    /** Waiting receives right now; for tests. */
    int waitingReceives() {
        return waiting.size();
    }
}
