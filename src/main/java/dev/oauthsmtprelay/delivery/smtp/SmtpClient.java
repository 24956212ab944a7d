package dev.oauthsmtprelay.delivery.smtp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLException;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.MailConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryReport;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.oauth.AccessToken;
import dev.oauthsmtprelay.oauth.TokenException;
import dev.oauthsmtprelay.oauth.TokenService;

/**
 * Talks to the hub for one message: token, TLS, XOAUTH2 login (retried once with a fresh token
 * when refused), MAIL/RCPT/DATA; and sorts every failure into transient, permanent or
 * configuration trouble. Logged-in connections are reused through a {@link SmtpConnectionPool};
 * one that the hub closed while it sat in the pool is replaced once, silently.
 */
public final class SmtpClient {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpClient.class);

    private final SmtpSettings settings;
    private final TokenService tokens;
    private final Session session;
    private final SmtpConnectionPool pool;
    private final Clock clock;

    public SmtpClient(SmtpSettings settings, TokenService tokens) {
        this(settings, tokens, new SmtpConnectionPool(SmtpPoolSettings.defaults(), Clock.systemUTC()),
                Clock.systemUTC());
    }

    public SmtpClient(SmtpSettings settings, TokenService tokens, SmtpConnectionPool pool, Clock clock) {
        this.settings = settings;
        this.tokens = tokens;
        this.session = SmtpSessions.create(settings);
        this.pool = pool;
        this.clock = clock;
    }

    public Session session() {
        return session;
    }

    public SmtpSettings settings() {
        return settings;
    }

    public SmtpConnectionPool pool() {
        return pool;
    }

    public DeliveryReport deliver(OutgoingMessage message) throws DeliveryFailure {
        Address[] recipients = addresses(message.recipients());
        SmtpConnection connection = pool.borrow(message.mailbox(), this::login);
        try {
            try {
                send(connection, message, recipients);
            } catch (MessagingException e) {
                if (!connection.reused() || !connectionLost(e)) {
                    throw e;
                }
                LOG.debug("The hub had closed the pooled connection of {} ({}); sending on a new one",
                        message.mailbox(), e.getMessage());
                SmtpConnection stale = connection;
                connection = null;
                pool.discard(stale);
                connection = pool.borrowNew(message.mailbox(), this::login);
                send(connection, message, recipients);
            }
            DeliveryReport report = new DeliveryReport(connection.transport().getLastServerResponse(),
                    message.recipients(), Map.of(), Map.of());
            message.report(report);
            pool.release(connection);
            connection = null;
            return report;
        } catch (SendFailedException e) {
            if (find(e, SMTPSenderFailedException.class) instanceof SMTPSenderFailedException sender) {
                String reply = sender.getMessage().trim();
                Optional<DeliveryFailure> limit = sendingLimit(reply, message.mailbox());
                if (limit.isPresent()) {
                    throw limit.get();
                }
                throw new DeliveryFailure(isTransient(sender.getReturnCode()) ? DeliveryFailure.Kind.TRANSIENT
                        : DeliveryFailure.Kind.PERMANENT, SmtpReplies.explainRefusedSender(message.mailbox(),
                        sender.getAddress().toString(), reply), reply, null);
            }
            DeliveryReport report = recipientOutcome(e, message);
            if (report != null) {
                message.report(report);
                return report;
            }
            throw sendFailure(e, message.mailbox());
        } catch (MessagingException e) {
            throw sendFailure(e, message.mailbox());
        } finally {
            if (connection != null) {
                pool.discard(connection);
            }
        }
    }

    private static void send(SmtpConnection connection, OutgoingMessage message, Address[] recipients)
            throws MessagingException {
        try {
            connection.transport().sendMessage(message, recipients);
        } catch (IllegalStateException notConnected) { // Angus had already closed the transport
            throw new MessagingException("The connection to the hub is closed", notConnected);
        }
    }

    /**
     * The hub closed the connection (I/O error, end of stream = reply code -1) or is closing it
     * (421): what a pooled connection that idled too long on the hub's side looks like.
     */
    private static boolean connectionLost(MessagingException e) {
        if (e instanceof SendFailedException partly && partly.getValidSentAddresses() != null
                && partly.getValidSentAddresses().length > 0) {
            return false; // the hub took the message for someone: sending again would duplicate it
        }
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof IOException || t instanceof IllegalStateException) {
                return true;
            }
            int code = t instanceof SMTPSendFailedException f ? f.getReturnCode()
                    : t instanceof SMTPSenderFailedException f ? f.getReturnCode()
                    : t instanceof SMTPAddressFailedException f ? f.getReturnCode() : 0;
            if (code == 421 || code == -1) {
                return true;
            }
        }
        return false;
    }

    /** Logs in as the mailbox on a new connection and quits without sending: proves token, TLS and permissions. */
    public String probe(String mailbox) throws DeliveryFailure {
        SmtpConnection connection = login(mailbox);
        String reply = connection.transport().getLastServerResponse();
        connection.close();
        return reply;
    }

    private SmtpConnection login(String mailbox) throws DeliveryFailure {
        AccessToken token = token(mailbox);
        try {
            return connect(mailbox, token);
        } catch (AuthenticationFailedException first) {
            tokens.invalidate(mailbox, token);
            AccessToken fresh = token(mailbox);
            try {
                return connect(mailbox, fresh);
            } catch (AuthenticationFailedException second) {
                String reply = second.getMessage();
                throw new DeliveryFailure(SmtpReplies.refusedLoginScope(reply),
                        SmtpReplies.explainRejectedLogin(mailbox, settings.host(), reply), reply, null);
            } catch (MessagingException e) {
                throw connectFailure(e);
            }
        } catch (MessagingException e) {
            throw connectFailure(e);
        }
    }

    private SmtpConnection connect(String mailbox, AccessToken token) throws MessagingException {
        SMTPTransport transport = new PipeliningSmtpTransport(session, SmtpSessions.protocol(settings),
                settings.pipelining());
        try {
            transport.connect(settings.host(), settings.port(), mailbox, token.value());
            return new SmtpConnection(mailbox, transport, token, clock.instant());
        } catch (MessagingException e) {
            close(transport);
            throw e;
        }
    }

    private AccessToken token(String mailbox) throws DeliveryFailure {
        try {
            return tokens.token(mailbox);
        } catch (TokenException e) {
            throw DeliveryFailure.of(e);
        }
    }

    private DeliveryFailure connectFailure(MessagingException e) {
        String where = settings.describe();
        Throwable tls = find(e, SSLException.class, CertificateException.class);
        if (tls != null) {
            return new DeliveryFailure(DeliveryFailure.Kind.CONFIGURATION, "TLS with the hub " + where + " failed before any "
                    + "credentials were sent: " + rootMessage(tls) + ". The hub's certificate is not trusted or does "
                    + "not match '" + settings.host() + "'. Check relay.smtp.host (use the name in the certificate) and "
                    + "relay.smtp.trust-store (a PEM bundle with the hub's CA; the JVM's trust store when unset).",
                    null, null);
        }
        String text = String.valueOf(e.getMessage());
        if (text.toUpperCase(Locale.ROOT).contains("STARTTLS")) {
            return new DeliveryFailure(DeliveryFailure.Kind.CONFIGURATION, "The hub " + where + " does not offer STARTTLS, "
                    + "so the relay did not log in (it never sends credentials in clear text). Check relay.smtp.host "
                    + "and relay.smtp.port; if the hub speaks TLS from the first byte use relay.smtp.tls=implicit "
                    + "(port 465). Hub said: " + text, null, null);
        }
        if (e instanceof MailConnectException
                || find(e, ConnectException.class, UnknownHostException.class, NoRouteToHostException.class) != null) {
            return new DeliveryFailure(DeliveryFailure.Kind.CONFIGURATION, "Cannot connect to the hub " + where + ": "
                    + rootMessage(e) + ". Check relay.smtp.host and relay.smtp.port, DNS, and that a firewall lets "
                    + "this machine reach the hub.", null, null);
        }
        if (find(e, SocketTimeoutException.class) != null) {
            return new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "The hub " + where + " did not answer in time ("
                    + rootMessage(e) + ").", null, null);
        }
        return new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Connecting to the hub " + where + " failed: " + text,
                text, null);
    }

    private DeliveryFailure sendFailure(MessagingException e, String mailbox) {
        if (e instanceof SMTPSendFailedException smtp) {
            String reply = smtp.getMessage().trim();
            return sendingLimit(reply, mailbox).orElseGet(() -> new DeliveryFailure(isTransient(smtp.getReturnCode())
                    ? DeliveryFailure.Kind.TRANSIENT : DeliveryFailure.Kind.PERMANENT, "The hub refused the message: " + reply,
                    reply, null));
        }
        if (find(e, IOException.class) != null) {
            return new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "The connection to the hub " + settings.describe()
                    + " broke while sending: " + rootMessage(e), null, null);
        }
        return new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Sending to the hub failed: " + e.getMessage(),
                e.getMessage(), null);
    }

    /**
     * Per-recipient refusals. Returns a report when the hub took the message for some recipients
     * or refused recipients for different reasons, and null when a single verdict applies to all.
     */
    private DeliveryReport recipientOutcome(SendFailedException e, OutgoingMessage message) throws DeliveryFailure {
        Map<String, String> replies = new LinkedHashMap<>();
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (Exception next = e.getNextException(); next != null;
             next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException failed) {
                String address = failed.getAddress().getAddress().toLowerCase(Locale.ROOT);
                replies.put(address, failed.getMessage().trim());
                codes.put(address, failed.getReturnCode());
            }
        }
        if (replies.isEmpty()) {
            return null;
        }
        List<String> accepted = new ArrayList<>();
        if (e.getValidSentAddresses() != null) {
            for (Address address : e.getValidSentAddresses()) {
                accepted.add(((InternetAddress) address).getAddress().toLowerCase(Locale.ROOT));
            }
        }
        Map<String, String> permanent = new LinkedHashMap<>();
        Map<String, String> temporary = new LinkedHashMap<>();
        replies.forEach((address, reply) -> (isTransient(codes.get(address))
                || SendingLimitReplies.explain(reply, message.mailbox()).isPresent() ? temporary : permanent)
                .put(address, reply));
        if (accepted.isEmpty() && temporary.isEmpty()) {
            throw new DeliveryFailure(DeliveryFailure.Kind.PERMANENT, "The hub refused every recipient: " + permanent,
                    String.join("; ", permanent.values()), null);
        }
        if (accepted.isEmpty() && permanent.isEmpty()) {
            throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "The hub refused every recipient for now: " + temporary,
                    String.join("; ", temporary.values()), null);
        }
        return new DeliveryReport(accepted.isEmpty() ? null : e.getMessage(), accepted, permanent, temporary);
    }

    /** A provider's sending limit: the message is fine and waits, even when the reply is a 5xx. */
    private static Optional<DeliveryFailure> sendingLimit(String reply, String mailbox) {
        return SendingLimitReplies.explain(reply, mailbox)
                .map(why -> new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, why + " Hub said: " + reply, reply, null));
    }

    private static boolean isTransient(Integer code) {
        return code != null && code >= 400 && code < 500;
    }

    private static Address[] addresses(List<String> recipients) throws DeliveryFailure {
        Address[] addresses = new Address[recipients.size()];
        for (int i = 0; i < addresses.length; i++) {
            try {
                addresses[i] = new InternetAddress(recipients.get(i), true);
            } catch (AddressException e) {
                throw new DeliveryFailure(DeliveryFailure.Kind.PERMANENT, "Recipient '" + recipients.get(i)
                        + "' is not a valid address: " + e.getMessage(), null, null);
            }
        }
        return addresses;
    }

    @SafeVarargs
    private static Throwable find(Throwable error, Class<? extends Throwable>... types) {
        for (Throwable t = error; t != null; t = next(t)) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
        }
        return null;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t) {
            return m.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (next(root) != null) {
            root = next(root);
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static void close(SMTPTransport transport) {
        try {
            transport.close();
        } catch (MessagingException ignored) {
            // the connection is gone either way
        }
    }
}
