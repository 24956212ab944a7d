package dev.oauthsmtprelay.intake.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.DropConnectionException;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.MessageHandlerFactory;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * One mail transaction: the sender is checked at MAIL FROM, before any data is read; recipients are counted
 * against {@code relay.intake.max-recipients}; DATA is read within its limits and handed to the {@link Submitter},
 * which returns only when the queue has the message on disk. Only then does SubEthaSMTP answer 250.
 */
final class RelayMessageHandler implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RelayMessageHandler.class);

    private final ListenerSettings settings;
    private final ListenerStats stats;
    private final Submitter submitter;
    private final MessageContext context;
    private final List<String> recipients = new ArrayList<>();
    private String mailFrom;

    RelayMessageHandler(ListenerSettings settings, ListenerStats stats, Submitter submitter, MessageContext context) {
        this.settings = settings;
        this.stats = stats;
        this.submitter = submitter;
        this.context = context;
    }

    static MessageHandlerFactory factory(ListenerSettings settings, ListenerStats stats, Submitter submitter) {
        return context -> new RelayMessageHandler(settings, stats, submitter, context);
    }

    @Override
    public void from(String from) throws RejectException {
        if (!settings.allowedSenders().allows(from)) {
            throw refuse(new Refusal(Refusal.Reason.SENDER, 550, "5.7.1 sender <" + from + "> may not relay through "
                    + "this server: it is not in " + RelayKeys.LISTENER_ALLOWED_SENDERS + " (" + settings.allowedSenders()
                    + ")"));
        }
        Optional<String> shortage = submitter.shortage();
        if (shortage.isPresent()) {
            throw refuse(new Refusal(Refusal.Reason.QUEUE, 452, shortage.get()));
        }
        mailFrom = from;
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        if (recipients.size() >= settings.maxRecipients()) {
            throw refuse(new Refusal(Refusal.Reason.RECIPIENTS, 452, "4.5.3 too many recipients: the limit is "
                    + settings.maxRecipients() + " per message (" + RelayKeys.INTAKE_MAX_RECIPIENTS
                    + "); send the rest in another message"));
        }
        recipients.add(recipient);
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        DataReader.Result result;
        try {
            result = new DataReader(settings.maxMessageSize(), settings.dataTimeout()).read(data);
        } catch (SocketTimeoutException e) {
            stats.refused(Refusal.Reason.TIMEOUT);
            throw new DropConnectionException(421, "4.4.2 data timeout: the message did not arrive within "
                    + settings.dataTimeout().toSeconds() + " s (" + RelayKeys.LISTENER_DATA_TIMEOUT + "); closing");
        } catch (IOException e) {
            stats.refused(Refusal.Reason.DISCONNECTED);
            throw e; // the client went away in the middle of DATA: nothing is queued
        }
        if (result.problem() != null) {
            throw refuse(result.problem());
        }
        Session session = (Session) context;
        SmtpSubmission submission = new SmtpSubmission(result.content(), mailFrom, recipients,
                session.getRemoteAddress().getAddress().getHostAddress(), context.getHelo().orElse(""),
                session.isTLSStarted(), authenticatedUser(), session.getSessionId());
        try {
            submitter.submit(submission);
        } catch (SenderNotAllowedException e) {
            throw refuse(new Refusal(Refusal.Reason.SENDER, 550, "5.7.1 " + e.getMessage()));
        } catch (InvalidMessageException e) {
            throw refuse(new Refusal(Refusal.Reason.INVALID, 550, "5.6.0 message refused: " + e.getMessage()));
        } catch (Exception e) {
            LOG.warn("Could not queue a message from {} (session {}); answered 451 so that the client keeps it: {}",
                    submission.client(), submission.sessionId(), e.getMessage());
            throw refuse(new Refusal(Refusal.Reason.QUEUE, 451, "4.3.0 the message could not be queued, try again "
                    + "later: " + reason(e)));
        }
        stats.accepted(result.size());
        return "2.0.0 Ok: queued";
    }

    @Override
    public void done() {
        // nothing held between transactions
    }

    private String authenticatedUser() {
        return context.getAuthenticationHandler().map(h -> h.getIdentity()).map(String::valueOf).orElse(null);
    }

    private RejectException refuse(Refusal refusal) {
        stats.refused(refusal.reason());
        return refusal.exception();
    }

    private static String reason(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
