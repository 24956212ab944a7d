package dev.oauthsmtprelay.queue;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A delivery route step for a message that its exchange put back into the queue as a copy (pacing, or the recipients
 * refused for now): its consumer commits it at once, with the delivered messages before it, instead of with its
 * batch ({@link BatchAckListenerContainer}). Otherwise the message and its copy would both be in the queue, both
 * listed and both delivered after a crash, for up to {@code relay.delivery.ack-max-wait}. It must run on the
 * consumer's thread, as the delivery route's steps do.
 */
public final class CommitAtOnce implements Processor {

    public static final String BEAN = "relayCommitAtOnce";

    @Override
    public void process(Exchange exchange) {
        BatchAckListenerContainer.commitCurrentAtOnce();
    }
}
