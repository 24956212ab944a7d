package dev.oauthsmtprelay.delivery;

import java.util.List;
import java.util.Optional;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.util.SharedFileInputStream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.oauthsmtprelay.delivery.sender.FromPolicy;
import dev.oauthsmtprelay.delivery.sender.FromRewrite;
import dev.oauthsmtprelay.delivery.sender.SenderResolution;
import dev.oauthsmtprelay.delivery.sender.SenderResolver;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.message.DeliveryAttempt;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * Turns a queued message into an {@link OutgoingMessage}: decides the sender mailbox (relay.users,
 * served domains, default sender) whose token authenticates the session and which is used as MAIL
 * FROM, so the hub accepts it, and the account that sends as it ({@link SendingAccounts}).
 * relay.rewrite-from decides whether the From header becomes that mailbox.
 */
public final class DeliveryPreparation implements Processor {

    public static final String SMTP = "smtp";
    public static final String GRAPH = "graph";

    private final SenderResolver senders;
    private final FromPolicy fromPolicy;
    private final QueuedBodyFiles bodyFiles;
    private final SendingAccounts accounts;

    /**
     * @param fromPolicy relay.rewrite-from: when the From header becomes the sender mailbox
     * @param bodyFiles  where large queued messages are streamed to instead of being read into memory
     * @param accounts   the sender mailbox's account decides the transport, the session and the recipients per
     *                   transaction (the rest go in a copy queued next); a mailbox no account serves is a dead letter
     */
    public DeliveryPreparation(SenderResolver senders, FromPolicy fromPolicy, QueuedBodyFiles bodyFiles,
                               SendingAccounts accounts) {
        this.senders = senders;
        this.fromPolicy = fromPolicy;
        this.bodyFiles = bodyFiles;
        this.accounts = accounts;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.setProperty(DeliveryAttempt.STARTED, System.nanoTime());
        Message in = exchange.getIn();
        String from = QueuedMessage.mailFrom(in);
        List<String> recipients = QueuedMessage.recipients(in);
        SenderResolution resolution = senders.resolve(from);
        if (resolution.mailbox().isEmpty()) {
            throw new DeliveryFailure(DeliveryFailure.Kind.PERMANENT, senders.noSenderReason(from)
                    + (accounts.accounts().several() ? " The accounts: " + accounts.accounts().describe() + "." : ""),
                    null, null);
        }
        String mailbox = resolution.mailbox().get();
        exchange.setProperty(DeliveryAttempt.MAILBOX, mailbox);
        SendingAccounts.Sending sending = accounts.forMailbox(mailbox).orElseThrow(() -> new DeliveryFailure(
                DeliveryFailure.Kind.PERMANENT, accounts.noAccountReason(mailbox), null, null));
        Session session = sending.smtp().session();
        int recipientsPerTransaction = sending.recipientsPerTransaction();
        if (accounts.accounts().several()) {
            exchange.setProperty(DeliveryAttempt.ACCOUNT, sending.account().name());
        }
        exchange.setProperty(DeliveryAttempt.TRANSPORT, sending.transport());
        if (recipientsPerTransaction > 0 && recipients.size() > recipientsPerTransaction) {
            exchange.setProperty(DeliveryAttempt.DEFERRED,
                    List.copyOf(recipients.subList(recipientsPerTransaction, recipients.size())));
            recipients = recipients.subList(0, recipientsPerTransaction);
        }
        try {
            // A large message is streamed unless its envelope sender already says From must change.
            Optional<SharedFileInputStream> streamed = fromPolicy.rewrites(from, mailbox) ? Optional.empty()
                    : bodyFiles.stream(exchange, QueuedMessage.relayId(in));
            if (streamed.isPresent()) {
                in.setBody(new OutgoingMessage(session, streamed.get(), mailbox, recipients, mailbox));
                return;
            }
            byte[] mime = QueuedMessage.mime(in);
            exchange.setProperty(DeliveryAttempt.QUEUED_MIME, mime);
            String headerFrom = QueuedMessage.headerFrom(in).or(() -> FromRewrite.fromAddress(mime)).orElse("");
            byte[] sent = fromPolicy.rewrites(headerFrom.isEmpty() ? from : headerFrom, mailbox)
                    ? FromRewrite.apply(mime, mailbox) : mime;
            in.setBody(new OutgoingMessage(session, sent, mailbox, recipients, mailbox));
        } catch (MessagingException e) {
            throw new DeliveryFailure(DeliveryFailure.Kind.PERMANENT, "The queued message is not valid MIME any more: "
                    + e.getMessage(), null, null);
        }
    }
}
