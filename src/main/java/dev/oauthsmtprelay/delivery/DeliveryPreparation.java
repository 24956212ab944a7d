package dev.oauthsmtprelay.delivery;

import java.util.List;
import java.util.Optional;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.util.SharedFileInputStream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.oauthsmtprelay.intake.FromRewrite;
import dev.oauthsmtprelay.intake.InvalidMessageException;
import dev.oauthsmtprelay.mail.OutgoingMessage;
import dev.oauthsmtprelay.mail.SmtpFailure;
import dev.oauthsmtprelay.sender.SenderResolution;
import dev.oauthsmtprelay.sender.SenderResolver;

/**
 * Turns a queued message into an {@link OutgoingMessage}: decides the sender mailbox (relay.users,
 * alias domain, default sender) whose token authenticates the session and which is used as MAIL
 * FROM, so the hub accepts it. The From header stays as written unless relay.rewrite-from is set.
 */
public final class DeliveryPreparation implements Processor {

    /** Exchange property holding the sender mailbox, for failure handling. */
    public static final String MAILBOX = "relayMailbox";
    public static final String STARTED = "relayDeliveryStarted";
    private static final String QUEUED_MIME = "relayQueuedMime";

    private final SenderResolver senders;
    private final Session session;
    private final boolean rewriteFrom;
    private final QueuedBodyFiles bodyFiles;

    /** @param rewriteFrom relay.rewrite-from: make the From header the sender mailbox when it differs */
    public DeliveryPreparation(SenderResolver senders, Session session, boolean rewriteFrom) {
        this(senders, session, rewriteFrom, QueuedBodyFiles.none());
    }

    /** @param bodyFiles where large queued messages are streamed to instead of being read into memory */
    public DeliveryPreparation(SenderResolver senders, Session session, boolean rewriteFrom, QueuedBodyFiles bodyFiles) {
        this.senders = senders;
        this.session = session;
        this.rewriteFrom = rewriteFrom;
        this.bodyFiles = bodyFiles;
    }

    /**
     * The message bytes as they came from the queue (the body is an OutgoingMessage after preparation); a streamed
     * large message is read back from its file.
     */
    public static byte[] queuedMime(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        byte[] mime = exchange.getProperty(QUEUED_MIME, byte[].class);
        if (mime != null) {
            return mime;
        }
        Optional<byte[]> streamed = QueuedBodyFiles.bytes(exchange);
        return streamed.isPresent() ? streamed.get() : QueuedMessage.mime(exchange.getIn());
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.setProperty(STARTED, System.nanoTime());
        Message in = exchange.getIn();
        String from = QueuedMessage.mailFrom(in);
        List<String> recipients = QueuedMessage.recipients(in);
        SenderResolution resolution = senders.resolve(from);
        if (resolution.mailbox().isEmpty()) {
            throw new SmtpFailure(SmtpFailure.Kind.PERMANENT, senders.noSenderReason(from), null, null);
        }
        String mailbox = resolution.mailbox().get();
        exchange.setProperty(MAILBOX, mailbox);
        boolean rewrite = rewriteFrom && !mailbox.equalsIgnoreCase(from);
        try {
            Optional<SharedFileInputStream> streamed = rewrite ? Optional.empty()
                    : bodyFiles.stream(exchange, QueuedMessage.relayId(in));
            if (streamed.isPresent()) {
                in.setBody(new OutgoingMessage(session, streamed.get(), mailbox, recipients, mailbox));
                return;
            }
            byte[] mime = QueuedMessage.mime(in);
            exchange.setProperty(QUEUED_MIME, mime);
            byte[] sent = rewrite ? FromRewrite.apply(mime, mailbox) : mime;
            in.setBody(new OutgoingMessage(session, sent, mailbox, recipients, mailbox));
        } catch (MessagingException | InvalidMessageException e) {
            throw new SmtpFailure(SmtpFailure.Kind.PERMANENT, "The queued message is not valid MIME any more: "
                    + e.getMessage(), null, null);
        }
    }
}
