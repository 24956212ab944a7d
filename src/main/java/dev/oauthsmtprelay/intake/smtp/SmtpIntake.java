package dev.oauthsmtprelay.intake.smtp;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.intake.parse.MessageParser;
import dev.oauthsmtprelay.message.EnvelopeOverride;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.QueuedMessage;
import dev.oauthsmtprelay.message.RelayIds;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * The route step {@code relaySmtpIntake}: turns what the listener received ({@link SmtpSubmission}) into a queued
 * message. The SMTP envelope wins over the headers (Bcc-only recipients are kept, the Bcc header is removed), every
 * From address must be an allowed sender, and a {@code Received:} header is added on top. The source is
 * {@code smtp:<client address>}.
 */
public final class SmtpIntake implements Processor {

    public static final String BEAN = "relaySmtpIntake";

    private final MessageParser parser;
    private final AllowedSenders allowedSenders;
    private final String hostName;
    private final Clock clock;
    private final boolean receipts;

    public SmtpIntake(MessageParser parser, AllowedSenders allowedSenders, String hostName, Clock clock) {
        this(parser, allowedSenders, hostName, clock, false);
    }

    /** @param receipts relay.listener.receipts: the envelope sender gets a delivery notification */
    public SmtpIntake(MessageParser parser, AllowedSenders allowedSenders, String hostName, Clock clock,
                      boolean receipts) {
        this.parser = parser;
        this.allowedSenders = allowedSenders;
        this.hostName = hostName;
        this.clock = clock;
        this.receipts = receipts;
    }

    @Override
    public void process(Exchange exchange) throws InvalidMessageException {
        SmtpSubmission submission = exchange.getProperty(SmtpSubmission.PROPERTY, SmtpSubmission.class);
        if (submission == null) {
            throw new IllegalStateException("relaySmtpIntake takes messages from the SMTP listener only");
        }
        String relayId = RelayIds.next(clock);
        byte[] content = withReceived(submission, relayId);
        RelayMessage message = parser.parseMime(content,
                new EnvelopeOverride(submission.mailFrom(), submission.recipients()));
        requireAllowedFrom(message.mime());
        Message in = exchange.getIn();
        in.removeHeaders("*");
        QueuedMessage.write(in, message, relayId, "smtp:" + submission.client(), clock.instant());
        String sender = submission.mailFrom();
        if (receipts && sender != null && !sender.isBlank() && !automatic(message.mime())) {
            in.setHeader(QueuedMessage.RECEIPT_TO, "dsn:" + sender);
            in.setHeader(QueuedMessage.RECEIPT_CORRELATION, relayId);
        }
    }

    /** A report or an auto-reply gets no notification back, so two systems never answer each other forever. */
    private static boolean automatic(byte[] mime) {
        try {
            InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(mime));
            String autoSubmitted = headers.getHeader("Auto-Submitted", null);
            String type = headers.getHeader("Content-Type", null);
            return autoSubmitted != null && !autoSubmitted.trim().equalsIgnoreCase("no")
                    || type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/report");
        } catch (MessagingException e) {
            return true;
        }
    }

    private void requireAllowedFrom(byte[] mime) throws InvalidMessageException {
        String from;
        try {
            from = new InternetHeaders(new ByteArrayInputStream(mime)).getHeader("From", ",");
        } catch (MessagingException e) {
            throw new InvalidMessageException("the header section cannot be read: " + e.getMessage(), e);
        }
        if (from == null) {
            return; // MAIL FROM was checked; the parser took the sender from it
        }
        try {
            for (InternetAddress address : InternetAddress.parseHeader(from, false)) {
                if (!allowedSenders.allows(address.getAddress())) {
                    throw new SenderNotAllowedException("sender " + address.getAddress() + " (From) may not relay "
                            + "through this server: it is not in " + RelayKeys.LISTENER_ALLOWED_SENDERS + " ("
                            + allowedSenders + ")");
                }
            }
        } catch (AddressException e) {
            throw new InvalidMessageException("the From header is not an address list: " + e.getMessage(), e);
        }
    }

    /** RFC 5321 4.4: the trace line a relay adds, on top of the header section. */
    private byte[] withReceived(SmtpSubmission submission, String relayId) {
        String with = "ESMTP" + (submission.tls() ? "S" : "") + (submission.user() != null ? "A" : "");
        String single = submission.recipients().size() == 1 ? "\r\n\tfor <" + submission.recipients().get(0) + ">" : "";
        String received = "Received: from " + printable(submission.helo().isEmpty() ? "unknown" : submission.helo())
                + " ([" + submission.client() + "])\r\n\tby " + hostName + " (oauth-smtp-relay) with " + with + " id "
                + relayId + single + ";\r\n\t"
                + DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(ZonedDateTime.now(clock)) + "\r\n";
        byte[] header = received.getBytes(StandardCharsets.US_ASCII);
        byte[] content = submission.content();
        byte[] joined = new byte[header.length + content.length];
        System.arraycopy(header, 0, joined, 0, header.length);
        System.arraycopy(content, 0, joined, header.length, content.length);
        return joined;
    }

    /** The HELO name is the client's word: only visible ASCII without comment brackets goes into the header. */
    private static String printable(String text) {
        String cleaned = text.replaceAll("[^\\x21-\\x7e]|[()\\\\]", "?");
        return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
    }
}
