package dev.oauthsmtprelay.intake.jms;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.JmsMessage;

import dev.oauthsmtprelay.intake.parse.MessageParser;
import dev.oauthsmtprelay.message.EnvelopeOverride;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.QueuedMessage;
import dev.oauthsmtprelay.message.RelayIds;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * Turns a message from an intake queue into a queued message: a {@code BytesMessage} or {@code TextMessage} holding
 * a MIME message (envelope from the {@value #MAIL_FROM} / {@value #RECIPIENTS} properties when given, else from the
 * headers), or a {@code TextMessage} holding the JSON message format. An unusable message raises
 * {@link InvalidMessageException}.
 */
public final class JmsMessageIntake implements Processor {

    /** Envelope sender (MAIL FROM) for a MIME message; overrides From/Sender. */
    public static final String MAIL_FROM = "RelayMailFrom";
    /** Envelope recipients for a MIME message, separated by commas, semicolons or line breaks; replace To/Cc/Bcc. */
    public static final String RECIPIENTS = "RelayRecipients";

    private final MessageParser parser;
    private final Clock clock;
    private final String receiptsQueue;

    public JmsMessageIntake(MessageParser parser, Clock clock) {
        this(parser, clock, null);
    }

    /** @param receiptsQueue relay.jms.receipts: where every message's receipt goes without a JMSReplyTo, or null */
    public JmsMessageIntake(MessageParser parser, Clock clock, String receiptsQueue) {
        this.parser = parser;
        this.clock = clock;
        this.receiptsQueue = receiptsQueue;
    }

    /** How messages from the exchange's intake queue are named in dead letters and logs: {@code jms:<queue>}. */
    public static String source(Exchange exchange) {
        return "jms:" + (exchange.getFromEndpoint() instanceof JmsEndpoint endpoint
                ? endpoint.getDestinationName() : "unknown");
    }

    @Override
    public void process(Exchange exchange) throws InvalidMessageException {
        Message in = exchange.getIn();
        RelayMessage message = parse(in);
        Optional<Receipt> receipt = receipt(in);
        // Nothing of the intake message's own properties (reply-to, delivery count, a sender's Relay* names) may
        // travel on to the delivery queue: only what QueuedMessage writes.
        in.removeHeaders("*");
        QueuedMessage.write(in, message, RelayIds.next(clock), source(exchange), clock.instant());
        receipt.ifPresent(r -> {
            in.setHeader(QueuedMessage.RECEIPT_TO, r.to());
            in.setHeader(QueuedMessage.RECEIPT_CORRELATION, r.correlation());
        });
    }

    private record Receipt(String to, String correlation) {
    }

    /** The producer's JMSReplyTo, else relay.jms.receipts; correlated by JMSCorrelationID, else JMSMessageID. */
    private Optional<Receipt> receipt(Message in) {
        if (!(in instanceof JmsMessage jmsMessage) || jmsMessage.getJmsMessage() == null) {
            return Optional.empty();
        }
        jakarta.jms.Message jms = jmsMessage.getJmsMessage();
        try {
            Destination replyTo = jms.getJMSReplyTo();
            String to = replyTo instanceof Queue queue ? "queue:" + queue.getQueueName()
                    : replyTo instanceof Topic topic ? "topic:" + topic.getTopicName()
                    : receiptsQueue != null ? "queue:" + receiptsQueue : null;
            if (to == null) {
                return Optional.empty();
            }
            String correlation = jms.getJMSCorrelationID() != null ? jms.getJMSCorrelationID() : jms.getJMSMessageID();
            return Optional.of(new Receipt(to, correlation == null ? "" : correlation));
        } catch (JMSException e) {
            return Optional.empty();
        }
    }

    private RelayMessage parse(Message in) throws InvalidMessageException {
        jakarta.jms.Message jms = in instanceof JmsMessage jmsMessage ? jmsMessage.getJmsMessage() : null;
        byte[] content;
        if (jms instanceof BytesMessage || jms == null && in.getBody() instanceof byte[]) {
            content = in.getBody(byte[].class);
        } else if (jms instanceof TextMessage || jms == null && in.getBody() instanceof String) {
            String text = in.getBody(String.class);
            if (isJson(text)) {
                return parser.parseJson(text.getBytes(StandardCharsets.UTF_8));
            }
            content = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
        } else {
            throw new InvalidMessageException("unsupported JMS message type " + (jms == null ? "(no body)"
                    : jms.getClass().getSimpleName()) + ": the relay accepts a BytesMessage or TextMessage holding a "
                    + "MIME message, or a TextMessage holding the JSON message format; send one of those");
        }
        if (content == null || content.length == 0) {
            throw new InvalidMessageException("the JMS message has no body; put the MIME message (or, in a "
                    + "TextMessage, the JSON message) into its body");
        }
        return parser.parseMime(content, envelope(in));
    }

    private static boolean isJson(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && c != '\uFEFF') {
                return c == '{';
            }
        }
        return false;
    }

    private static EnvelopeOverride envelope(Message in) {
        String mailFrom = in.getHeader(MAIL_FROM, String.class);
        String recipients = in.getHeader(RECIPIENTS, String.class);
        List<String> list = recipients == null ? List.of()
                : Arrays.stream(recipients.split("[,;\\r\\n]+")).map(String::trim).filter(r -> !r.isEmpty()).toList();
        return new EnvelopeOverride(mailFrom == null || mailFrom.isBlank() ? null : mailFrom.trim(), list);
    }
}
