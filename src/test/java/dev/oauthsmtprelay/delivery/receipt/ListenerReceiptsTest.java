package dev.oauthsmtprelay.delivery.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.intake.smtp.SmtpListener;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * relay.listener.receipts: a client of the SMTP listener (Angus Mail here) gets an RFC 3464 notification of the
 * delivery back to its envelope sender, delivered through the relay like any mail, and nothing answers that report.
 */
class ListenerReceiptsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    @Test
    void the_envelope_sender_gets_a_delivery_status_notification_once_and_the_report_gets_none() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.rejectRecipient("gone@example.net", "550 5.1.1 <gone@example.net>: no such user");
        RelayHarness relay = bed.relay(dir, Map.of("relay.listener.enabled", "true", "relay.listener.port", "0",
                "relay.listener.receipts", "true", "relay.default-sender", "postmaster@example.com"));
        int port = ((SmtpListener) relay.context().getRegistry().lookupByName("relaySmtpListener")).port();

        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.sendpartial", "true");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("scanner@example.com"));
        message.setRecipients(Message.RecipientType.TO, "customer@example.net, gone@example.net");
        message.setSubject("Scan 7");
        message.setText("scanned");
        Transport.send(message);

        List<XOAuth2SmtpHub.ReceivedMessage> received = hub.awaitMessages(2, WAIT);
        XOAuth2SmtpHub.ReceivedMessage report = received.stream()
                .filter(m -> m.recipients().contains("scanner@example.com")).findFirst().orElseThrow();
        String data = report.dataAsString();
        assertThat(data).contains("Subject: Successful Mail Delivery Report", "Auto-Submitted: auto-replied",
                "report-type=delivery-status", "Final-Recipient: rfc822; customer@example.net", "Action: delivered",
                "Status: 2.0.0", "Final-Recipient: rfc822; gone@example.net", "Action: failed", "Status: 5.1.1");
        Thread.sleep(2000);
        assertThat(hub.messageCount()).as("the mail and its report, and no report about the report").isEqualTo(2);
    }
}
