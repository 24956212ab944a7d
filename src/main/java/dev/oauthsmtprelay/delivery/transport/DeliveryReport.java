package dev.oauthsmtprelay.delivery.transport;

import java.util.List;
import java.util.Map;

/**
 * The hub's answer to one message.
 *
 * @param hubReply            the reply to the end of DATA, e.g. "250 2.0.0 OK queued"
 * @param accepted            recipients the hub took
 * @param rejectedPermanently recipients refused with 5xx, with the hub's reply for each
 * @param rejectedTemporarily recipients refused with 4xx (worth another attempt), with the reply
 */
public record DeliveryReport(String hubReply, List<String> accepted, Map<String, String> rejectedPermanently,
                             Map<String, String> rejectedTemporarily) {

    public boolean complete() {
        return rejectedPermanently.isEmpty() && rejectedTemporarily.isEmpty();
    }
}
