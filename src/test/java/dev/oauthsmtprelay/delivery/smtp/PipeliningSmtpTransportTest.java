package dev.oauthsmtprelay.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * One logged-in connection to a real hub that offers PIPELINING, used for several messages in a row: after a
 * transaction that ended early, the replies still owed for the commands sent ahead must not be taken for the
 * replies of the next message's commands. ({@link SmtpClient} drops a connection after any failure; this checks
 * the transport on its own.)
 */
class PipeliningSmtpTransportTest {

    private static final String ALICE = "alice@example.com";
    private static final String TOKEN = "ya29.pipelining-test";
    private static final String MIME = "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: s\r\n\r\nbody\r\n";

    private XOAuth2SmtpHub hub;
    private Session session;
    private PipeliningSmtpTransport transport;

    @BeforeEach
    void connect() throws Exception {
        hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, TOKEN).start();
        session = SmtpSessions.create(new SmtpSettings(hub.hostName(), hub.port(), TlsMode.STARTTLS,
                Optional.of(hub.certificatePemPath()), Duration.ofSeconds(5), Duration.ofSeconds(5), true));
        transport = new PipeliningSmtpTransport(session, "smtp", true);
        transport.connect(hub.hostName(), hub.port(), ALICE, TOKEN);
    }

    @AfterEach
    void close() throws Exception {
        transport.close();
        hub.close();
    }

    @Test
    void should_pipeline_when_the_hub_offers_it() {
        assertThat(transport.pipelines()).isTrue();
    }

    @Test
    void should_send_the_next_message_on_the_connection_after_a_refused_sender() throws Exception {
        hub.failNextMail(1, "451 4.7.1 Try again later");
        assertThatThrownBy(() -> send("bob@example.net")).isInstanceOf(MessagingException.class)
                .hasMessageContaining("451 4.7.1");

        send("bob@example.net");

        assertThat(transport.getLastServerResponse()).startsWith("250 2.0.0 OK");
        assertThat(hub.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
    }

    @Test
    void should_send_the_next_message_on_the_connection_after_every_recipient_was_refused() throws Exception {
        hub.rejectRecipient("gone@example.net", "550 5.1.1 no such user");
        assertThatThrownBy(() -> send("gone@example.net")).isInstanceOf(MessagingException.class);

        send("bob@example.net", "carol@example.net");

        assertThat(transport.getLastServerResponse()).startsWith("250 2.0.0 OK");
        assertThat(hub.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients())
                .containsExactly("bob@example.net", "carol@example.net");
    }

    private void send(String... recipients) throws Exception {
        OutgoingMessage message = new OutgoingMessage(session, MIME.getBytes(StandardCharsets.UTF_8), ALICE,
                List.of(recipients), ALICE);
        Address[] to = new Address[recipients.length];
        for (int i = 0; i < recipients.length; i++) {
            to[i] = new InternetAddress(recipients[i]);
        }
        transport.sendMessage(message, to);
    }
}
