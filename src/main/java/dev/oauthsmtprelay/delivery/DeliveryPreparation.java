package dev.oauthsmtprelay.delivery;

import java.util.List;
import java.util.Optional;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.util.SharedFileInputStream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.oauthsmtprelay.delivery.sender.FromRewrite;
import dev.oauthsmtprelay.delivery.sender.SenderResolution;
import dev.oauthsmtprelay.delivery.sender.SenderResolver;
import dev.oauthsmtprelay.delivery.smtp.OutgoingMessage;
import dev.oauthsmtprelay.delivery.smtp.SmtpFailure;
import dev.oauthsmtprelay.message.DeliveryAttempt;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * Turns a queued message into an {@link OutgoingMessage}: decides the sender mailbox (relay.users,
 * alias domain, default sender) whose token authenticates the session and which is used as MAIL
 * FROM, so the hub accepts it. The From header stays as written unless relay.rewrite-from is set.
 */
public final class DeliveryPreparation implements Processor {


    private final SenderResolver senders;
    private final Session session;
    private final boolean rewriteFrom;
    private final QueuedBodyFiles bodyFiles;
    private final int recipientsPerTransaction;

    /** @param rewriteFrom relay.rewrite-from: make the From header the sender mailbox when it differs */
    public DeliveryPreparation(SenderResolver senders, Session session, boolean rewriteFrom) {
        this(senders, session, rewriteFrom, QueuedBodyFiles.none(), 0);
    }

    /**
     * @param bodyFiles                where large queued messages are streamed to instead of being read into memory
     * @param recipientsPerTransaction relay.delivery.recipients-per-transaction; the rest go in a copy queued next;
     *                                 0 = all at once
     */
    public DeliveryPreparation(SenderResolver senders, Session session, boolean rewriteFrom, QueuedBodyFiles bodyFiles,
                               int recipientsPerTransaction) {
        this.senders = senders;
        this.session = session;
        this.rewriteFrom = rewriteFrom;
        this.bodyFiles = bodyFiles;
        this.recipientsPerTransaction = recipientsPerTransaction;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.setProperty(DeliveryAttempt.STARTED, System.nanoTime());
        Message in = exchange.getIn();
        String from = QueuedMessage.mailFrom(in);
        List<String> recipients = QueuedMessage.recipients(in);
        SenderResolution resolution = senders.resolve(from);
        if (resolution.mailbox().isEmpty()) {
            throw new SmtpFailure(SmtpFailure.Kind.PERMANENT, senders.noSenderReason(from), null, null);
        }
        String mailbox = resolution.mailbox().get();
        exchange.setProperty(DeliveryAttempt.MAILBOX, mailbox);
        if (recipientsPerTransaction > 0 && recipients.size() > recipientsPerTransaction) {
            exchange.setProperty(DeliveryAttempt.DEFERRED,
                    List.copyOf(recipients.subList(recipientsPerTransaction, recipients.size())));
            recipients = recipients.subList(0, recipientsPerTransaction);
        }
        boolean rewrite = rewriteFrom && !mailbox.equalsIgnoreCase(from);
        try {
            Optional<SharedFileInputStream> streamed = rewrite ? Optional.empty()
                    : bodyFiles.stream(exchange, QueuedMessage.relayId(in));
            if (streamed.isPresent()) {
                in.setBody(new OutgoingMessage(session, streamed.get(), mailbox, recipients, mailbox));
                return;
            }
            byte[] mime = QueuedMessage.mime(in);
            exchange.setProperty(DeliveryAttempt.QUEUED_MIME, mime);
            byte[] sent = rewrite ? FromRewrite.apply(mime, mailbox) : mime;
            in.setBody(new OutgoingMessage(session, sent, mailbox, recipients, mailbox));
        } catch (MessagingException e) {
            throw new SmtpFailure(SmtpFailure.Kind.PERMANENT, "The queued message is not valid MIME any more: "
                    + e.getMessage(), null, null);
        }
    }
}
