package dev.oauthsmtprelay.message;

import java.util.List;

import org.apache.camel.Exchange;

/**
 * A stage's request to file the message of its exchange (or a copy for some of its recipients) as a dead letter,
 * left on the exchange for the dead-letter route.
 *
 * @param idSuffix   distinguishes a copy for some recipients from the message itself ("" for the whole message)
 * @param recipients the recipients this dead letter stands for
 * @param reason     why, with the fix where there is one
 * @param hubReply   the hub's reply, or null
 */
public record DeadLetterRequest(String idSuffix, List<String> recipients, String reason, String hubReply) {

    public static final String PROPERTY = "relayDeadLetter";

    public DeadLetterRequest {
        recipients = List.copyOf(recipients);
    }

    public void setOn(Exchange exchange) {
        exchange.setProperty(PROPERTY, this);
    }

    public static DeadLetterRequest of(Exchange exchange) {
        DeadLetterRequest request = exchange.getProperty(PROPERTY, DeadLetterRequest.class);
        if (request == null) {
            throw new IllegalStateException("no dead letter was asked for on exchange " + exchange.getExchangeId());
        }
        return request;
    }
}
