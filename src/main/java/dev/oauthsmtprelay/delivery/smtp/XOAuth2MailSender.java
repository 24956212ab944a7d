package dev.oauthsmtprelay.delivery.smtp;

import java.util.Properties;
import java.util.function.Function;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.component.mail.JavaMailSender;
import org.apache.camel.component.mail.MailAuthenticator;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;

/**
 * camel-mail's {@code javaMailSender}: sends each {@link OutgoingMessage} as its sender mailbox,
 * with that mailbox's token. camel-mail's own sender would use one identity per endpoint and
 * build the envelope from headers; the hub, TLS and identity live in {@link SmtpClient} instead.
 * A failure surfaces as {@link SmtpFailureException} wrapping the classified {@link DeliveryFailure}.
 */
public final class XOAuth2MailSender implements JavaMailSender {

    private final SmtpClient client;
    private final Function<String, SmtpClient> clientForMailbox;

    /**
     * @param client           the primary account's, which camel-mail asks for its session and hub
     * @param clientForMailbox the client of the account that sends as a mailbox (each account has its own hub)
     */
    public XOAuth2MailSender(SmtpClient client, Function<String, SmtpClient> clientForMailbox) {
        this.client = client;
        this.clientForMailbox = clientForMailbox;
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        if (!(message instanceof OutgoingMessage outgoing)) {
            throw new MessagingException("The relay's mail sender sends only messages prepared by the relay's delivery "
                    + "route (OutgoingMessage), not " + message.getClass().getName());
        }
        try {
            clientForMailbox.apply(outgoing.mailbox()).deliver(outgoing);
        } catch (DeliveryFailure failure) {
            throw new SmtpFailureException(failure);
        }
    }

    @Override
    public Session getSession() {
        return client.session();
    }

    @Override
    public Properties getJavaMailProperties() {
        return client.session().getProperties();
    }

    @Override
    public String getHost() {
        return client.settings().host();
    }

    @Override
    public int getPort() {
        return client.settings().port();
    }

    @Override
    public String getProtocol() {
        return SmtpSessions.protocol(client.settings());
    }

    // The relay's settings decide these; values camel-mail passes from the endpoint URI are ignored.
    @Override
    public void setJavaMailProperties(Properties javaMailProperties) {
    }

    @Override
    public void addAdditionalJavaMailProperty(String key, String value) {
    }

    @Override
    public void setHost(String host) {
    }

    @Override
    public void setPort(int port) {
    }

    @Override
    public void setUsername(String username) {
    }

    @Override
    public String getUsername() {
        return null;
    }

    @Override
    public void setPassword(String password) {
    }

    @Override
    public String getPassword() {
        return null;
    }

    @Override
    public void setProtocol(String protocol) {
    }

    @Override
    public void setSession(Session session) {
    }

    @Override
    public void setAuthenticator(MailAuthenticator authenticator) {
    }

    @Override
    public MailAuthenticator getAuthenticator() {
        return null;
    }
}
