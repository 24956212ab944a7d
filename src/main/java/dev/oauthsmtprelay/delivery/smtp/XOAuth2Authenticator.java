package dev.oauthsmtprelay.delivery.smtp;

import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import org.apache.camel.component.mail.MailAuthenticator;

import dev.oauthsmtprelay.oauth.TokenService;

/**
 * For applications that only want XOAUTH2 on their own {@code smtp:} endpoints:
 * {@code smtp://smtp.gmail.com:587?authenticator=#gmailAuth&mail.smtp.auth.mechanisms=XOAUTH2
 * &mail.smtp.starttls.enable=true&mail.smtp.starttls.required=true}. Authenticates as one mailbox
 * with a token from the relay's token service (cached, refreshed ahead of expiry).
 *
 * <p>camel-mail also asks the authenticator when the route starts, only to learn the user name.
 * A token is fetched only when Angus Mail asks through its {@link Session} (that is, when it
 * connects), so a token endpoint that is down does not stop the route from starting.
 */
public final class XOAuth2Authenticator extends MailAuthenticator {

    private final TokenService tokens;
    private final String mailbox;

    public XOAuth2Authenticator(TokenService tokens, String mailbox) {
        this.tokens = tokens;
        this.mailbox = mailbox;
    }

    @Override
    public PasswordAuthentication getPasswordAuthentication() {
        if (!askedByMailSession()) {
            return new PasswordAuthentication(mailbox, null);
        }
        return new PasswordAuthentication(mailbox, tokens.token(mailbox).value());
    }

    private static boolean askedByMailSession() {
        return StackWalker.getInstance()
                .walk(frames -> frames.anyMatch(frame -> frame.getClassName().equals(Session.class.getName())));
    }

    public String mailbox() {
        return mailbox;
    }

    @Override
    public String toString() {
        return "XOAuth2Authenticator[" + mailbox + "]";
    }
}
