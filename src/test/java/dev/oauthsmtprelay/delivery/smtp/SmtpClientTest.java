package dev.oauthsmtprelay.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryReport;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.oauth.TokenClients;
import dev.oauthsmtprelay.oauth.TokenPolicy;
import dev.oauthsmtprelay.oauth.TokenService;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub.CertificateKind;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub.RejectionStyle;

/** One message to a real SMTP hub (STARTTLS + XOAUTH2) with tokens from a real token server. */
class SmtpClientTest {

    private static final String MIME = "From: Alice <alice@example.com>\r\nTo: bob@example.net\r\n"
            + "Subject: statement\r\nMessage-ID: <m1@example.com>\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n\r\n"
            + "Balance: 42\r\n.leading dot stays\r\n";

    private static TokenServer tokenServer;

    @TempDir
    static Path dir;

    private XOAuth2SmtpHub hub;

    @BeforeAll
    static void startTokenServer() {
        tokenServer = new TokenServer();
    }

    @AfterAll
    static void stopTokenServer() {
        tokenServer.close();
    }

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private XOAuth2SmtpHub.Builder hubBuilder() {
        return XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google"));
    }

    private TokenService googleTokens(String tokenUri) {
        Path file = TestCredentials.write(dir, "gmail.json", TestCredentials.googleFields(tokenUri, "example.com"));
        return new TokenService(TokenClients.forCredentials(new CredentialsFileReader().read(file, "example.com")
                .credentials(), Clock.systemUTC(), Duration.ofSeconds(5)), Clock.systemUTC(), TokenPolicy.defaults());
    }

    private SmtpClient client(XOAuth2SmtpHub hub, boolean trustHub) {
        TlsMode mode = hub.tlsMode() == XOAuth2SmtpHub.TlsMode.IMPLICIT_TLS ? TlsMode.IMPLICIT : TlsMode.STARTTLS;
        return client(hub.hostName(), hub.port(), mode, trustHub ? Optional.of(hub.certificatePemPath()) : Optional.empty());
    }

    private SmtpClient client(String host, int port, TlsMode mode, Optional<Path> trust) {
        return client(host, port, mode, trust, true);
    }

    private SmtpClient client(String host, int port, TlsMode mode, Optional<Path> trust, boolean pipelining) {
        SmtpSettings settings = new SmtpSettings(host, port, mode, trust, Duration.ofSeconds(5), Duration.ofSeconds(5),
                pipelining);
        return new SmtpClient(settings, googleTokens(tokenServer.tokenEndpoint("google")));
    }

    private OutgoingMessage message(SmtpClient client, String... recipients) throws Exception {
        return new OutgoingMessage(client.session(), MIME.getBytes(StandardCharsets.UTF_8), "alice@example.com",
                List.of(recipients), "alice@example.com");
    }

    @Test
    void should_deliver_over_starttls_with_the_mailbox_token_and_the_bytes_unchanged() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(hub, true);

        DeliveryReport report = client.deliver(message(client, "bob@example.net", "carol@example.org"));

        assertThat(report.complete()).isTrue();
        assertThat(report.hubReply()).startsWith("250");
        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(received.mailFrom()).isEqualTo("alice@example.com");
        assertThat(received.recipients()).containsExactly("bob@example.net", "carol@example.org");
        assertThat(received.authenticatedMailbox()).isEqualTo("alice@example.com");
        assertThat(received.overTls()).isTrue();
        assertThat(received.dataAsString()).isEqualTo(MIME);
        assertThat(hub.connections().get(0).sentCommandInClear("AUTH")).isFalse();
    }

    @Test
    void should_deliver_with_implicit_tls() throws Exception {
        hub = hubBuilder().tlsMode(XOAuth2SmtpHub.TlsMode.IMPLICIT_TLS).start();
        SmtpClient client = client(hub, true);

        client.deliver(message(client, "bob@example.net"));

        assertThat(hub.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
    }

    @Test
    void should_refuse_a_hub_without_starttls_and_send_no_credentials() throws Exception {
        hub = hubBuilder().tlsMode(XOAuth2SmtpHub.TlsMode.NO_STARTTLS).start();
        SmtpClient client = client(hub.hostName(), hub.port(), TlsMode.STARTTLS, Optional.of(hub.certificatePemPath()));

        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.CONFIGURATION))
                .hasMessageContaining("does not offer STARTTLS")
                .hasMessageContaining("never sends credentials in clear text");
        assertThat(hub.connections()).allSatisfy(c -> assertThat(c.sentCommand("AUTH")).as(c.toString()).isFalse());
        assertThat(hub.messageCount()).isZero();
    }

    @Test
    void should_refuse_an_untrusted_certificate_before_sending_credentials() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(hub, false);

        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.CONFIGURATION))
                .hasMessageContaining("before any credentials were sent")
                .hasMessageContaining("relay.smtp.trust-store");
        assertThat(hub.connections()).allSatisfy(c -> assertThat(c.sentCommand("AUTH")).isFalse());
    }

    @Test
    void should_refuse_a_certificate_for_another_host_name() throws Exception {
        hub = hubBuilder().certificate(CertificateKind.WRONG_NAME).start();
        SmtpClient client = client(hub, true);

        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.CONFIGURATION))
                .hasMessageContaining("does not match 'localhost'");
        assertThat(hub.connections()).allSatisfy(c -> assertThat(c.sentCommand("AUTH")).isFalse());
    }

    @Test
    void should_retry_a_rejected_login_once_with_a_fresh_token() throws Exception {
        AtomicInteger logins = new AtomicInteger();
        IssuedTokens valid = IssuedTokens.mailboxTokens(tokenServer, "google");
        hub = XOAuth2SmtpHub.builder()
                .tokenValidator((mailbox, token) -> logins.incrementAndGet() > 1 && valid.test(mailbox, token)).start();
        SmtpClient client = client(hub, true);

        client.deliver(message(client, "bob@example.net"));

        assertThat(hub.authAttempts()).hasSize(2);
        assertThat(hub.authAttempts().get(0).token()).isNotEqualTo(hub.authAttempts().get(1).token());
        assertThat(hub.messageCount()).isEqualTo(1);
    }

    @Test
    void should_explain_gmail_login_rejection_after_the_fresh_token_fails_too() throws Exception {
        hub = XOAuth2SmtpHub.builder().tokenValidator((m, t) -> false).rejectionStyle(RejectionStyle.GMAIL).start();
        SmtpClient client = client(hub, true);

        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).as("this user's mail waits, not everyone's")
                                .isEqualTo(DeliveryFailure.Kind.MAILBOX))
                .hasMessageContaining("refused the XOAUTH2 login of alice@example.com with status 401")
                .hasMessageContaining("token --user alice@example.com");
        assertThat(hub.authAttempts()).hasSize(2);
    }

    @Test
    void should_explain_office365_5_7_3() throws Exception {
        hub = XOAuth2SmtpHub.builder().tokenValidator((m, t) -> false).rejectionStyle(RejectionStyle.OFFICE365).start();
        SmtpClient client = client(hub, true);

        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.MAILBOX))
                .hasMessageContaining("5.7.3").hasMessageContaining("New-ServicePrincipal");
    }

    @Test
    void should_classify_4xx_as_transient_and_5xx_as_permanent() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(hub, true);

        hub.failNextData(1, "451 4.3.0 Mail server temporarily rejected message");
        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT);
                    assertThat(f.hubReply()).startsWith("451 4.3.0");
                });
        hub.failNextData(1, "552 5.3.4 Message size exceeds fixed limit");
        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT))
                .hasMessageContaining("552 5.3.4");
        hub.failNextMail(1, "550 5.7.60 SMTP; Client does not have permissions to send as this sender");
        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT))
                .hasMessageContaining("Send As");
        assertThat(hub.messageCount()).isZero();
    }

    @Test
    void should_deliver_to_the_accepted_recipients_and_report_the_refused_ones() throws Exception {
        hub = hubBuilder().start();
        hub.rejectRecipient("gone@example.net", "550 5.1.1 The email account that you tried to reach does not exist");
        hub.rejectRecipient("busy@example.net", "452 4.2.2 The email account is over quota");
        SmtpClient client = client(hub, true);

        DeliveryReport report = client.deliver(message(client, "bob@example.net", "gone@example.net", "busy@example.net"));

        assertThat(report.accepted()).containsExactly("bob@example.net");
        assertThat(report.rejectedPermanently()).containsOnlyKeys("gone@example.net");
        assertThat(report.rejectedPermanently().get("gone@example.net")).startsWith("550 5.1.1");
        assertThat(report.rejectedTemporarily()).containsOnlyKeys("busy@example.net");
        assertThat(hub.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients()).containsExactly("bob@example.net");
    }

    @Test
    void should_dead_letter_when_every_recipient_is_refused() throws Exception {
        hub = hubBuilder().start();
        hub.rejectRecipient("gone@example.net", "550 5.1.1 no such user");
        SmtpClient client = client(hub, true);

        assertThatThrownBy(() -> client.deliver(message(client, "gone@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT))
                .hasMessageContaining("550 5.1.1");
    }

    @Test
    void should_send_mail_from_every_rcpt_to_and_data_together_when_the_hub_offers_pipelining() throws Exception {
        // With a reply latency the hub sees which commands arrived before it had answered the ones before them.
        hub = hubBuilder().replyLatency(Duration.ofMillis(150)).start();
        SmtpClient client = client(hub, true);

        client.deliver(message(client, "bob@example.net", "carol@example.net"));

        assertThat(hub.pipelinedCommandCount()).as("RCPT, RCPT and DATA sent before MAIL FROM's reply").isEqualTo(3);
        assertThat(hub.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients())
                .containsExactly("bob@example.net", "carol@example.net");
    }

    @Test
    void should_send_one_command_at_a_time_when_pipelining_is_off_or_not_offered() throws Exception {
        hub = hubBuilder().replyLatency(Duration.ofMillis(150)).start();
        SmtpClient off = client(hub.hostName(), hub.port(), TlsMode.STARTTLS, Optional.of(hub.certificatePemPath()),
                false);
        off.deliver(message(off, "bob@example.net", "carol@example.net"));
        assertThat(hub.pipelinedCommandCount()).isZero();
        hub.close();

        hub = hubBuilder().replyLatency(Duration.ofMillis(150)).advertisePipelining(false).start();
        SmtpClient notOffered = client(hub, true);
        notOffered.deliver(message(notOffered, "bob@example.net", "carol@example.net"));
        assertThat(hub.pipelinedCommandCount()).isZero();
        assertThat(hub.awaitMessages(1, Duration.ofSeconds(5)).get(0).recipients())
                .containsExactly("bob@example.net", "carol@example.net");
    }

    @Test
    void should_judge_a_refusal_by_its_own_reply_when_commands_were_sent_ahead() throws Exception {
        hub = hubBuilder().start();
        hub.rejectRecipient("gone@example.net", "550 5.1.1 no such user");
        SmtpClient client = client(hub, true);

        // The RCPT TO and DATA sent ahead of a refused MAIL FROM get 503s, which must not pass for its reply.
        hub.failNextMail(1, "451 4.7.1 Try again later");
        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT);
                    assertThat(f.hubReply()).startsWith("451 4.7.1");
                });
        // Every recipient refused: DATA, already sent, is refused too, and that reply is read before RSET.
        assertThatThrownBy(() -> client.deliver(message(client, "gone@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class, f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.PERMANENT))
                .hasMessageContaining("550 5.1.1");

        DeliveryReport report = client.deliver(message(client, "bob@example.net"));

        assertThat(report.accepted()).containsExactly("bob@example.net");
        assertThat(hub.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
    }

    @Test
    void should_pause_worthy_failure_when_the_hub_is_unreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SmtpClient client = client("127.0.0.1", closedPort, TlsMode.STARTTLS, Optional.empty());

        assertThatThrownBy(() -> client.deliver(message(client, "bob@example.net")))
                .isInstanceOfSatisfying(DeliveryFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.CONFIGURATION))
                .hasMessageContaining("Cannot connect to the hub 127.0.0.1:" + closedPort)
                .hasMessageContaining("relay.smtp.host");
    }

    @Test
    void should_probe_without_sending_anything() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(hub, true);

        client.probe("alice@example.com");

        assertThat(hub.authAcceptedCount()).isEqualTo(1);
        assertThat(hub.connections().get(0).sentCommand("MAIL")).isFalse();
    }
}
