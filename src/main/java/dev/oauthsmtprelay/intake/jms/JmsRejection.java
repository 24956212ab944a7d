package dev.oauthsmtprelay.intake.jms;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.deadletter.DeadLetter;
import dev.oauthsmtprelay.deadletter.DeadLetterIds;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.message.RelayIds;

/**
 * An intake message that is not a valid mail: filed in the dead-letter store (so {@code dead-letter list} shows it)
 * and marked with {@value #REASON} for the intake broker's dead-letter queue, to which the error handling then sends
 * it unchanged (body, type and the sender's properties kept).
 */
public final class JmsRejection implements Processor {

    /** Why the message was refused, on the message in the intake dead-letter queue. */
    public static final String REASON = "RelayRejectReason";
    /** The id under which {@code dead-letter list|show} knows the message. */
    public static final String DEAD_LETTER_ID = "RelayDeadLetterId";

    private static final Logger LOG = LoggerFactory.getLogger(JmsRejection.class);

    private final DeadLetterStore store;
    private final String deadLetterQueue;
    private final Clock clock;

    /** @param deadLetterQueue the intake broker's dead-letter queue, which the error handling sends to */
    public JmsRejection(DeadLetterStore store, String deadLetterQueue, Clock clock) {
        this.store = store;
        this.deadLetterQueue = deadLetterQueue;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null || cause.getMessage() == null ? "unknown problem" : cause.getMessage();
        String jmsMessageId = in.getHeader("JMSMessageID", String.class);
        // Derived from the JMS message id: when the intake transaction rolls back after this and the broker hands the
        // message over again, the same dead letter is overwritten instead of filed twice.
        String id = jmsMessageId == null ? RelayIds.next(clock) : DeadLetterIds.derivedFrom(jmsMessageId);
        String source = JmsMessageIntake.source(exchange);
        Instant now = clock.instant();
        Integer deliveryCount = in.getHeader("JMSXDeliveryCount", Integer.class);
        store.write(new DeadLetter(id, bodyBytes(in), in.getHeader(JmsMessageIntake.MAIL_FROM, String.class),
                recipients(in), null, "rejected at intake: " + reason, null,
                deliveryCount == null ? 1 : deliveryCount, now, now, source));
        in.setHeader(REASON, reason);
        in.setHeader(DEAD_LETTER_ID, id);
        LOG.warn("Rejected JMS message {} from {}: {} (dead letter {}, moved to {})", jmsMessageId, source, reason, id,
                deadLetterQueue);
    }

    private static byte[] bodyBytes(Message in) {
        Object body = in.getBody();
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            byte[] converted = body == null ? null : in.getBody(byte[].class);
            return converted == null ? new byte[0] : converted;
        } catch (RuntimeException notConvertible) { // a MapMessage, an ObjectMessage of a class we do not know
            return new byte[0];
        }
    }

    private static List<String> recipients(Message in) {
        String joined = in.getHeader(JmsMessageIntake.RECIPIENTS, String.class);
        return joined == null ? List.of()
                : Arrays.stream(joined.split("[,;\\r\\n]+")).map(String::trim).filter(r -> !r.isEmpty()).toList();
    }
}
