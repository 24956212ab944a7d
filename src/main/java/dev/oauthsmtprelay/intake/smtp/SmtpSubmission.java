package dev.oauthsmtprelay.intake.smtp;

import java.util.List;

/**
 * One message as the listener received it: the DATA bytes and the session facts the Received header and the
 * queue need. The envelope is authoritative: it replaces the header recipients (so Bcc-only recipients stay).
 *
 * @param client     the client's IP address as text
 * @param helo       what the client said in HELO/EHLO, empty when it said nothing
 * @param tls        whether the session was under TLS
 * @param user       the authenticated user, or null
 */
public record SmtpSubmission(byte[] content, String mailFrom, List<String> recipients, String client, String helo,
                             boolean tls, String user, String sessionId) {

    /** The exchange property the listener hands it over in. */
    public static final String PROPERTY = "relaySmtpSubmission";

    public SmtpSubmission {
        recipients = List.copyOf(recipients);
    }
}
