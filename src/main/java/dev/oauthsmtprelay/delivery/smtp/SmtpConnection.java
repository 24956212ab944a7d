package dev.oauthsmtprelay.delivery.smtp;

import java.time.Instant;

import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import dev.oauthsmtprelay.oauth.AccessToken;

/** One authenticated hub connection: the transport, the mailbox and token it logged in with, and its use so far. */
final class SmtpConnection {

    private final String mailbox;
    private final SMTPTransport transport;
    private final AccessToken token;
    private Instant lastUsed;
    private int messages;
    private boolean reused;

    SmtpConnection(String mailbox, SMTPTransport transport, AccessToken token, Instant openedAt) {
        this.mailbox = mailbox;
        this.transport = transport;
        this.token = token;
        this.lastUsed = openedAt;
    }

    String mailbox() {
        return mailbox;
    }

    SMTPTransport transport() {
        return transport;
    }

    AccessToken token() {
        return token;
    }

    Instant lastUsed() {
        return lastUsed;
    }

    int messages() {
        return messages;
    }

    /** True when this connection sat in the pool before this use: the hub may have closed it meanwhile. */
    boolean reused() {
        return reused;
    }

    void borrowedFromPool() {
        reused = true;
    }

    void sent(Instant now) {
        messages++;
        lastUsed = now;
    }

    /** Says QUIT when the connection is still up; a connection that is gone already is gone either way. */
    void close() {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException ignored) {
            // nothing left to release
        }
    }
}
