package dev.oauthsmtprelay.delivery.graph;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;

/** At most relay.graph.max-per-mailbox deliveries talk to Graph at once as one mailbox; the others wait their turn. */
final class MailboxRequests {

    private final int perMailbox;
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();

    MailboxRequests(int perMailbox) {
        this.perMailbox = perMailbox;
    }

    interface Work<T> {
        T run() throws DeliveryFailure;
    }

    <T> T as(String mailbox, Work<T> work) throws DeliveryFailure {
        Semaphore semaphore = permits.computeIfAbsent(mailbox.toLowerCase(Locale.ROOT),
                m -> new Semaphore(perMailbox, true));
        try {
            semaphore.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Interrupted while waiting for a Graph request "
                    + "slot of " + mailbox, null, null);
        }
        try {
            return work.run();
        } finally {
            semaphore.release();
        }
    }
}
