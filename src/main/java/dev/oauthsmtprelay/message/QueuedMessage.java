package dev.oauthsmtprelay.message;

import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.mail.internet.MimeUtility;
import org.apache.camel.Message;

/**
 * How a message travels on the delivery queue: the MIME bytes as the JMS body, the envelope and
 * bookkeeping as message properties (Camel headers with JMS-safe names).
 */
public final class QueuedMessage {

    /** Every property of the queue contract starts with it; nothing else travels with a queued message. */
    public static final String PREFIX = "Relay";
    public static final String MAIL_FROM = "RelayMailFrom";
    public static final String RECIPIENTS = "RelayRecipients";
    public static final String MESSAGE_ID = "RelayMessageId";
    public static final String RELAY_ID = "RelayId";
    public static final String QUEUED_AT = "RelayQueuedAt";
    public static final String SOURCE = "RelaySource";
    /** The Subject, decoded and cut to {@value #SUBJECT_LENGTH} characters, for {@code queue list --subject}. */
    public static final String SUBJECT = "RelaySubject";
    /**
     * The From header's first address as intake read it, empty when the message has none: delivery judges
     * relay.rewrite-from by it without reading the header section again. Missing on a message queued before it existed.
     */
    public static final String HEADER_FROM = "RelayHeaderFrom";
    /** The message's size in bytes. */
    public static final String SIZE = "RelaySize";
    /** Set by pacing: the sending slot (epoch milliseconds) the message waits for in the queue. */
    public static final String PACED_SLOT = "RelayPacedSlot";
    /** Set by pacing: the time (epoch milliseconds) a message waits for because its mailbox used its daily limit. */
    public static final String QUOTA_WAIT = "RelayQuotaWait";
    /** Where the producer wants its delivery receipt: {@code queue:NAME} or {@code topic:NAME} on the intake broker. */
    public static final String RECEIPT_TO = "RelayReceiptTo";
    /** The producer's JMSCorrelationID (or its JMSMessageID), which the receipt carries back. */
    public static final String RECEIPT_CORRELATION = "RelayReceiptCorrelation";
    public static final String DELIVERY_COUNT = "JMSXDeliveryCount";
    static final int SUBJECT_LENGTH = 200;

    private QueuedMessage() {
    }

    /** Puts a parsed message on the Camel message, ready for the queue. */
    public static void write(Message target, RelayMessage message, String relayId, String source, Instant queuedAt) {
        target.setBody(message.mime());
        target.setHeader(MAIL_FROM, message.envelope().mailFrom());
        target.setHeader(RECIPIENTS, String.join("\n", message.envelope().recipients()));
        target.setHeader(MESSAGE_ID, message.envelope().messageId());
        target.setHeader(RELAY_ID, relayId);
        target.setHeader(SOURCE, source);
        target.setHeader(QUEUED_AT, queuedAt.toEpochMilli());
        target.setHeader(SIZE, (long) message.mime().length);
        target.setHeader(HEADER_FROM, message.headers().firstFrom().orElse(""));
        message.headers().subject().ifPresent(subject -> target.setHeader(SUBJECT, decoded(subject)));
    }

    private static String decoded(String subject) {
        String text;
        try {
            text = MimeUtility.decodeText(subject);
        } catch (UnsupportedEncodingException e) {
            text = subject;
        }
        return text.length() > SUBJECT_LENGTH ? text.substring(0, SUBJECT_LENGTH) : text;
    }

    public static byte[] mime(Message message) throws org.apache.camel.InvalidPayloadException {
        return message.getMandatoryBody(byte[].class);
    }

    /** {@link #HEADER_FROM}: empty when the message was queued without it, "" when the message has no From. */
    public static Optional<String> headerFrom(Message message) {
        return Optional.ofNullable(message.getHeader(HEADER_FROM, String.class));
    }

    public static String mailFrom(Message message) {
        return message.getHeader(MAIL_FROM, String.class);
    }

    public static List<String> recipients(Message message) {
        String joined = message.getHeader(RECIPIENTS, String.class);
        return joined == null || joined.isBlank() ? List.of() : Arrays.asList(joined.split("\n"));
    }

    public static String relayId(Message message) {
        return message.getHeader(RELAY_ID, String.class);
    }

    public static String messageId(Message message) {
        return message.getHeader(MESSAGE_ID, String.class);
    }

    public static String source(Message message) {
        return message.getHeader(SOURCE, String.class);
    }

    public static Instant queuedAt(Message message) {
        Long millis = message.getHeader(QUEUED_AT, Long.class);
        return millis == null ? Instant.now() : Instant.ofEpochMilli(millis);
    }

    public static int deliveryCount(Message message) {
        Integer count = message.getHeader(DELIVERY_COUNT, Integer.class);
        return count == null ? 1 : count;
    }
}
