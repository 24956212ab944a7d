package dev.oauthsmtprelay.delivery.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.SharedInputStream;
import jakarta.mail.util.SharedByteArrayInputStream;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * A message ready for the hub: the MIME bytes exactly as queued, the envelope, and the mailbox whose token
 * authenticates the session. Camel-mail hands a MimeMessage body to the relay's sender as it is, which is how the
 * envelope travels with it.
 *
 * <p>Nothing is parsed: intake read the header section once, and {@link #writeTo(OutputStream, String[])} writes the
 * queued bytes as they are (Angus Mail's transport still makes the line endings CRLF and escapes leading dots). The
 * header fields Angus Mail leaves out, Bcc and Content-Length, never reach the queue. The MimeMessage getters see
 * an empty header section; the transports read {@link #queuedBytes()}.
 */
public final class OutgoingMessage extends SMTPMessage {

    private final String mailbox;
    private final List<String> recipients;
    private final long size;
    private final SharedInputStream source;
    private DeliveryReport report;

    public OutgoingMessage(Session session, byte[] mime, String mailFrom, List<String> recipients, String mailbox)
            throws MessagingException {
        this(session, new SharedByteArrayInputStream(mime), mime.length, mailFrom, recipients, mailbox);
    }

    /** From a shared stream (a {@code SharedFileInputStream} for a large message): the body is not read into memory. */
    public OutgoingMessage(Session session, SharedInputStream mime, String mailFrom, List<String> recipients,
                           String mailbox) throws MessagingException {
        this(session, mime, available(mime), mailFrom, recipients, mailbox);
    }

    private OutgoingMessage(Session session, SharedInputStream mime, long size, String mailFrom,
                            List<String> recipients, String mailbox) throws MessagingException {
        super(session);
        this.source = mime;
        this.size = size;
        this.mailbox = mailbox;
        this.recipients = List.copyOf(recipients);
        setEnvelopeFrom(mailFrom);
    }

    public String mailbox() {
        return mailbox;
    }

    public List<String> recipients() {
        return recipients;
    }

    /** The queued message's size in bytes, header section included. */
    public long size() {
        return size;
    }

    /** The whole queued message again, header section included, without copying it (for a transport that re-reads). */
    public InputStream queuedBytes() {
        return source.newStream(0, -1);
    }

    private static long available(SharedInputStream mime) throws MessagingException {
        try {
            return ((InputStream) mime).available();
        } catch (java.io.IOException e) {
            throw new MessagingException("cannot tell the queued message's size", e);
        }
    }

    /** The queued bytes as they are, whatever {@code ignoreList} says (see the class comment). */
    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException {
        try (InputStream in = queuedBytes()) {
            in.transferTo(out);
        }
    }

    /** What the hub answered, set by the sender once the message was handed over. */
    public DeliveryReport report() {
        return report;
    }

    public void report(DeliveryReport report) {
        this.report = report;
    }
}
