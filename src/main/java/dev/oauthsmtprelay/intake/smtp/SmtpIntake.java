package dev.oauthsmtprelay.intake.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

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
        requireAllowedFrom(message.headers().from());
        Message in = exchange.getIn();
        in.removeHeaders("*");
        QueuedMessage.write(in, message, relayId, "smtp:" + submission.client(), clock.instant());
        String sender = submission.mailFrom();
        if (receipts && sender != null && !sender.isBlank() && !message.headers().automatic()) {
            in.setHeader(QueuedMessage.RECEIPT_TO, "dsn:" + sender);
            in.setHeader(QueuedMessage.RECEIPT_CORRELATION, relayId);
        }
    }

    /** The From addresses, which the parser has already checked, must each be allowed senders. */
    private void requireAllowedFrom(List<String> from) throws SenderNotAllowedException {
        for (String address : from) {
            if (!allowedSenders.allows(address)) {
                throw new SenderNotAllowedException("sender " + address + " (From) may not relay through this "
                        + "server: it is not in " + RelayKeys.LISTENER_ALLOWED_SENDERS + " (" + allowedSenders + ")");
            }
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
