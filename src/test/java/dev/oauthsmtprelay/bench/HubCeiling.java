package dev.oauthsmtprelay.bench;

import java.util.List;
import java.util.Locale;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The wire's ceiling: the messages sent to the bench's hub over one persistent Angus Mail connection (STARTTLS +
 * XOAUTH2) from this JVM, with nothing durable in between. Running it first also compiles the hub's code, so that the
 * relay's first round does not share the two cores with the bench JVM's own JIT.
 */
final class HubCeiling {

    private HubCeiling() {
    }

    /** Sends the messages as {@code mailbox}; prints this JVM's CPU per message and returns msgs/s. */
    static double measure(XOAuth2SmtpHub hub, BenchTokens tokens, String mailbox, List<byte[]> messages)
            throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.auth.mechanisms", "XOAUTH2");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.socketFactory", hub.clientSocketFactory());
        Session session = Session.getInstance(props);
        String token = tokens.token(mailbox);
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect(hub.hostName(), hub.port(), mailbox, token);
            InternetAddress[] to = {new InternetAddress("rcpt@example.net")};
            double cpuBefore = ProcessMeter.cpuSeconds(ProcessHandle.current().pid());
            long start = System.nanoTime();
            for (byte[] bytes : messages) {
                MimeMessage message = new MimeMessage(session, new SharedByteArrayInputStream(bytes));
                message.setFrom(new InternetAddress(mailbox));
                transport.sendMessage(message, to);
            }
            double rate = messages.size() / ((System.nanoTime() - start) / 1e9);
            double cpu = ProcessMeter.cpuSeconds(ProcessHandle.current().pid()) - cpuBefore;
            System.out.printf(Locale.ROOT, "ceiling CPU (client and hub, this JVM): %.2f ms per message%n",
                    cpu * 1000 / messages.size());
            return rate;
        }
    }
}
