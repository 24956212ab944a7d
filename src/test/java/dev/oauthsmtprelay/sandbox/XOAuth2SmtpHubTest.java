package dev.oauthsmtprelay.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub.CertificateKind;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub.ConnectionLog;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub.ReceivedMessage;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub.RejectionStyle;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub.TlsMode;

class XOAuth2SmtpHubTest {

    private static final String ALICE = "alice@example.com";
    private static final String GOOD_TOKEN = "ya29.good-token-for-alice";
    private static final Duration WAIT = Duration.ofSeconds(5);

    // ------------------------------------------------------------------------------------------ Angus client

    @Test
    void should_deliver_over_starttls_with_a_good_token() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, GOOD_TOKEN).start()) {
            send(angus(hub, "smtp", hub.hostName()), "smtp", ALICE, GOOD_TOKEN,
                    message(ALICE, "Hello", "body\r\n", "bob@example.net", "carol@example.org"));

            ReceivedMessage m = hub.awaitMessages(1, WAIT).get(0);
            assertThat(m.mailFrom()).isEqualTo(ALICE);
            assertThat(m.recipients()).containsExactly("bob@example.net", "carol@example.org");
            assertThat(m.authenticatedMailbox()).isEqualTo(ALICE);
            assertThat(m.token()).isEqualTo(GOOD_TOKEN);
            assertThat(m.overTls()).isTrue();
            assertThat(m.mimeMessage().getSubject()).isEqualTo("Hello");

            ConnectionLog c = hub.connections().get(0);
            assertThat(c.startTlsCompleted()).as(c.toString()).isTrue();
            assertThat(c.sentCommandInClear("AUTH")).as(c.toString()).isFalse();
            assertThat(c.sentCommand("AUTH")).isTrue();
            assertThat(c.tlsProtocol()).startsWith("TLSv1.");
            assertThat(hub.authAcceptedCount()).isEqualTo(1);
            assertThat(hub.authRejectedCount()).isZero();
            assertThat(hub.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void counts_what_exchange_would_hold_back_beyond_a_mailboxs_rate() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, GOOD_TOKEN).start()) {
            for (int i = 0; i < 5; i++) {
                send(angus(hub, "smtp", hub.hostName()), "smtp", ALICE, GOOD_TOKEN,
                        message(ALICE, "n" + i, "x\r\n", "bob@example.net"));
            }
            hub.awaitMessages(5, WAIT);

            assertThat(hub.heldBackByRate(ALICE, 3)).as("5 within a minute at 3 a minute").isEqualTo(2);
            assertThat(hub.heldBackByRate(ALICE, 5)).isZero();
            assertThat(hub.heldBackByRate("bob@example.net", 1)).isZero();
        }
    }

    @Test
    void should_reject_a_bad_token_like_gmail_with_a_334_error_challenge() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, GOOD_TOKEN).start()) {
            Properties props = angus(hub, "smtp", hub.hostName());

            assertThatThrownBy(() -> send(props, "smtp", ALICE, "expired-token",
                    message(ALICE, "x", "x\r\n", "bob@example.net")))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageStartingWith("334 ")
                    .hasRootCauseMessage("OAUTH2 asked for more");

            assertThat(hub.messages()).isEmpty();
            assertThat(hub.authRejectedCount()).isEqualTo(1);
            assertThat(hub.authAttempts()).singleElement().satisfies(a -> {
                assertThat(a.mailbox()).isEqualTo(ALICE);
                assertThat(a.token()).isEqualTo("expired-token");
                assertThat(a.accepted()).isFalse();
                assertThat(a.reply()).isEqualTo("334");
            });
            // Angus gives up on the 334 ("OAUTH2 asked for more") and drops the connection without the empty line
            List<String> replies = hub.connections().get(0).replies();
            String challenge = replies.stream().filter(r -> r.startsWith("334 ")).findFirst().orElseThrow();
            assertThat(new String(Base64.getDecoder().decode(challenge.substring(4)), StandardCharsets.UTF_8))
                    .isEqualTo("{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}");
        }
    }

    @Test
    void should_reject_a_bad_token_like_office365_with_535() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().rejectionStyle(RejectionStyle.OFFICE365).start()) {
            Properties props = angus(hub, "smtp", hub.hostName());

            assertThatThrownBy(() -> send(props, "smtp", ALICE, "whatever",
                    message(ALICE, "x", "x\r\n", "bob@example.net")))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("535 5.7.3 Authentication unsuccessful");
            assertThat(hub.authRejectedCount()).isEqualTo(1);
        }
    }

    @Test
    void should_be_refused_by_a_client_requiring_starttls_when_no_starttls_is_offered() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().tlsMode(TlsMode.NO_STARTTLS)
                .acceptToken(ALICE, GOOD_TOKEN).start()) {
            Properties props = angus(hub, "smtp", hub.hostName());

            assertThatThrownBy(() -> send(props, "smtp", ALICE, GOOD_TOKEN,
                    message(ALICE, "x", "x\r\n", "bob@example.net")))
                    .isInstanceOf(MessagingException.class)
                    .hasMessageContaining("STARTTLS is required but host does not support STARTTLS");
            assertThat(hub.connections()).allSatisfy(c -> assertThat(c.sentCommand("AUTH")).as(c.toString()).isFalse());
            assertThat(hub.authAttemptCount()).isZero();
            assertThat(hub.messages()).isEmpty();

            // the transcript does catch a client that would leak its token in clear text
            props.put("mail.smtp.starttls.required", "false");
            send(props, "smtp", ALICE, GOOD_TOKEN, message(ALICE, "x", "x\r\n", "bob@example.net"));
            ConnectionLog leaky = hub.connections().get(hub.connectionCount() - 1);
            assertThat(leaky.sentCommandInClear("AUTH")).isTrue();
            assertThat(hub.awaitMessages(1, WAIT).get(0).overTls()).isFalse();
        }
    }

    @Test
    void should_fail_host_name_verification_with_a_wrong_name_certificate() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().certificate(CertificateKind.WRONG_NAME)
                .acceptToken(ALICE, GOOD_TOKEN).start()) {
            assertThat(hub.certificate().getSubjectX500Principal().getName()).contains("CN=wrong.example");
            Properties props = angus(hub, "smtp", hub.hostName());

            assertThatThrownBy(() -> send(props, "smtp", ALICE, GOOD_TOKEN,
                    message(ALICE, "x", "x\r\n", "bob@example.net")))
                    .isInstanceOf(MessagingException.class)
                    .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class)
                    .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("No name matching localhost"));
            assertThat(hub.connections()).allSatisfy(c -> assertThat(c.sentCommand("AUTH")).as(c.toString()).isFalse());
            assertThat(hub.messages()).isEmpty();
        }
    }

    @Test
    void should_deliver_over_implicit_tls_to_the_ip_address() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().tlsMode(TlsMode.IMPLICIT_TLS)
                .acceptToken(ALICE, GOOD_TOKEN).start()) {
            send(angus(hub, "smtps", hub.host()), "smtps", ALICE, GOOD_TOKEN,
                    message(ALICE, "tls", "x\r\n", "bob@example.net"));

            ReceivedMessage m = hub.awaitMessages(1, WAIT).get(0);
            assertThat(m.overTls()).isTrue();
            ConnectionLog c = hub.connections().get(0);
            assertThat(c.tls()).isTrue();
            assertThat(c.startTlsCompleted()).isFalse();
            assertThat(c.sentCommandInClear("EHLO")).isFalse();
        }
    }

    @Test
    void should_reject_data_with_451_once_then_accept_the_retry() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, GOOD_TOKEN).start()) {
            hub.failNextData(1, "451 4.3.0 Mail server temporarily rejected message.");
            Properties props = angus(hub, "smtp", hub.hostName());

            assertThatThrownBy(() -> send(props, "smtp", ALICE, GOOD_TOKEN,
                    message(ALICE, "retry", "x\r\n", "bob@example.net")))
                    .isInstanceOfSatisfying(SMTPSendFailedException.class,
                            e -> assertThat(e.getReturnCode()).isEqualTo(451));
            assertThat(hub.messages()).isEmpty();

            send(props, "smtp", ALICE, GOOD_TOKEN, message(ALICE, "retry", "x\r\n", "bob@example.net"));
            assertThat(hub.awaitMessages(1, WAIT)).hasSize(1);
            assertThat(hub.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void should_reject_one_recipient_and_accept_the_others() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, GOOD_TOKEN).start()) {
            hub.rejectRecipient("ghost@example.net",
                    "550 5.1.1 The email account that you tried to reach does not exist.");
            Properties props = angus(hub, "smtp", hub.hostName());
            props.put("mail.smtp.sendpartial", "true");

            assertThatThrownBy(() -> send(props, "smtp", ALICE, GOOD_TOKEN,
                    message(ALICE, "partial", "x\r\n", "bob@example.net", "ghost@example.net")))
                    .isInstanceOfSatisfying(SendFailedException.class, e -> {
                        assertThat(e.getInvalidAddresses()).extracting(Object::toString)
                                .containsExactly("ghost@example.net");
                        assertThat(e.getValidSentAddresses()).extracting(Object::toString)
                                .containsExactly("bob@example.net");
                    });
            assertThat(hub.awaitMessages(1, WAIT).get(0).recipients()).containsExactly("bob@example.net");
        }
    }

    @Test
    void should_close_a_connection_after_the_greeting_when_scripted() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, GOOD_TOKEN).start()) {
            hub.closeNextConnectionsAfterGreeting(1);
            Properties props = angus(hub, "smtp", hub.hostName());

            assertThatThrownBy(() -> send(props, "smtp", ALICE, GOOD_TOKEN,
                    message(ALICE, "x", "x\r\n", "bob@example.net")))
                    .isInstanceOf(MessagingException.class);
            send(props, "smtp", ALICE, GOOD_TOKEN, message(ALICE, "x", "x\r\n", "bob@example.net"));

            assertThat(hub.awaitMessages(1, WAIT)).hasSize(1);
            assertThat(hub.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void should_wait_the_reply_latency_before_every_reply_when_set() throws Exception {
        Duration latency = Duration.ofMillis(150);
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, GOOD_TOKEN).replyLatency(latency).start();
             Socket socket = new Socket("127.0.0.1", hub.port())) {
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();

            long greetingNanos = timeUntilLineStartingWith(in, "220 ");
            out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long ehloNanos = timeUntilLineStartingWith(in, "250 ");
            out.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long noopNanos = timeUntilLineStartingWith(in, "250 ");

            assertThat(Duration.ofNanos(greetingNanos)).isGreaterThanOrEqualTo(latency);
            assertThat(Duration.ofNanos(ehloNanos)).isGreaterThanOrEqualTo(latency);
            assertThat(Duration.ofNanos(noopNanos)).isGreaterThanOrEqualTo(latency);
        }
    }

    private static long timeUntilLineStartingWith(InputStream in, String prefix) throws IOException {
        long start = System.nanoTime();
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            if (line.toString().startsWith(prefix)) {
                return System.nanoTime() - start;
            }
            line.setLength(0);
        }
        throw new IOException("the hub closed the connection before a line starting with " + prefix);
    }

    @Test
    void should_carry_a_multi_megabyte_message_with_long_lines_and_a_long_token() throws Exception {
        String longToken = "eyJ0eXAiOiJKV1Qi." + "x".repeat(4000); // Entra ID tokens easily exceed 998 bytes
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, longToken).start()) {
            StringBuilder body = new StringBuilder();
            body.append(".leading dot survives\r\n").append("..two dots survive\r\n").append(".\r\n");
            body.append("L".repeat(20_000)).append("\r\n");
            String filler = "0123456789".repeat(7) + "\r\n";
            while (body.length() < 3_000_000) {
                body.append(filler);
            }
            MimeMessage msg = message(ALICE, "big", body.toString(), "bob@example.net");
            msg.saveChanges();
            msg.setHeader("Content-Transfer-Encoding", "7bit"); // keep the long line as is on the wire

            send(angus(hub, "smtp", hub.hostName()), "smtp", ALICE, longToken, msg);

            ReceivedMessage m = hub.awaitMessages(1, WAIT).get(0);
            assertThat(m.token()).isEqualTo(longToken);
            String data = m.dataAsString();
            assertThat(data).contains("\r\n" + "L".repeat(20_000) + "\r\n");
            assertThat(m.mimeMessage().getContent()).isEqualTo(body.toString());
            assertThat(m.size()).isGreaterThan(3_000_000);
        }
    }

    @Test
    void should_accept_many_messages_over_concurrent_connections() throws Exception {
        int threads = 4;
        int perThread = 100;
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder()
                .tokenValidator((mailbox, token) -> token.equals("token-of-" + mailbox)).start()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String sender = "sender" + t + "@example.com";
                    futures.add(pool.submit(() -> {
                        Session session = Session.getInstance(angus(hub, "smtp", hub.hostName()));
                        try (Transport transport = session.getTransport("smtp")) {
                            transport.connect(hub.hostName(), hub.port(), sender, "token-of-" + sender);
                            for (int i = 0; i < perThread; i++) {
                                MimeMessage msg = message(sender, "n" + i, "x".repeat(2000) + "\r\n",
                                        "rcpt" + i + "@example.net");
                                msg.saveChanges();
                                transport.sendMessage(msg, msg.getAllRecipients());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<ReceivedMessage> all = hub.awaitMessages(threads * perThread, WAIT);
            assertThat(all).hasSize(threads * perThread);
            assertThat(all).allSatisfy(m -> assertThat(m.authenticatedMailbox()).isEqualTo(m.mailFrom()));
            assertThat(hub.connectionCount()).isEqualTo(threads);
            assertThat(hub.authAcceptedCount()).isEqualTo(threads);
        }
    }

    // ------------------------------------------------------------------------------------------ raw protocol

    @Test
    void should_speak_the_gmail_protocol_on_the_wire() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken(ALICE, GOOD_TOKEN).start();
             RawClient c = new RawClient(hub)) {
            assertThat(c.readReply()).startsWith("220 ");
            String ehlo = c.command("EHLO client.test");
            assertThat(ehlo).contains("250-STARTTLS").doesNotContain("AUTH");
            assertThat(c.command("AUTH XOAUTH2 " + xoauth2(ALICE, GOOD_TOKEN)))
                    .isEqualTo(XOAuth2SmtpHub.MUST_ISSUE_STARTTLS);
            assertThat(c.command("MAIL FROM:<" + ALICE + ">")).isEqualTo(XOAuth2SmtpHub.MUST_ISSUE_STARTTLS);
            assertThat(c.command("STARTTLS")).startsWith("220 2.0.0");
            c.startTls(hub.clientSslContext(), hub.hostName());

            assertThat(c.command("AUTH XOAUTH2 " + xoauth2(ALICE, GOOD_TOKEN))).startsWith("503"); // EHLO again first
            ehlo = c.command("EHLO client.test");
            assertThat(ehlo).contains("250-AUTH XOAUTH2\n").doesNotContain("STARTTLS", "PLAIN", "LOGIN");
            assertThat(c.command("MAIL FROM:<" + ALICE + ">")).isEqualTo(XOAuth2SmtpHub.AUTHENTICATION_REQUIRED);
            assertThat(c.command("AUTH PLAIN AGFsaWNlAHNlY3JldA==")).startsWith("504 5.7.4");

            // Gmail's answer to a bad token: 334 + JSON, wait for the empty line, then 535 5.7.8
            String challenge = c.command("AUTH XOAUTH2 " + xoauth2(ALICE, "bad-token"));
            assertThat(challenge).startsWith("334 ");
            assertThat(new String(Base64.getDecoder().decode(challenge.substring(4)), StandardCharsets.UTF_8))
                    .contains("\"status\":\"401\"");
            assertThat(c.command("")).startsWith("535 5.7.8 Username and Password not accepted");

            // the form without initial response works too
            assertThat(c.command("AUTH XOAUTH2")).isEqualTo("334 ");
            assertThat(c.command(xoauth2(ALICE, GOOD_TOKEN))).startsWith("235 2.7.0");
            assertThat(c.command("NOOP")).startsWith("250");
            assertThat(c.command("RSET")).startsWith("250");

            assertThat(c.command("MAIL FROM:<" + ALICE + "> SIZE=100")).startsWith("250");
            assertThat(c.command("RCPT TO:<bob@example.net>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            String longLine = "y".repeat(5000);
            c.write("Subject: raw\r\n\r\n..starts with a dot\r\n" + longLine + "\r\n...\r\n.\r\n");
            assertThat(c.readReply()).startsWith("250 2.0.0");
            assertThat(c.command("QUIT")).startsWith("221");

            ReceivedMessage m = hub.awaitMessages(1, WAIT).get(0);
            assertThat(m.dataAsString())
                    .isEqualTo("Subject: raw\r\n\r\n.starts with a dot\r\n" + longLine + "\r\n..\r\n");
            assertThat(m.mailParameters()).isEqualTo("SIZE=100");
            assertThat(hub.authRejectedCount()).isEqualTo(1);
            assertThat(hub.authAcceptedCount()).isEqualTo(1);
            ConnectionLog log = hub.connections().get(0);
            assertThat(log.commands()).contains("STARTTLS", "<" + m.size() + " bytes of message data>");
        }
    }

    @Test
    void should_close_after_a_scripted_421_and_reject_mail_before_auth_in_plain_mode() throws Exception {
        try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().tlsMode(TlsMode.NO_STARTTLS)
                .acceptToken(ALICE, GOOD_TOKEN).start();
             RawClient c = new RawClient(hub)) {
            hub.failNextMail(1, "421 4.7.0 Try again later, closing connection.");
            c.readReply();
            assertThat(c.command("EHLO client.test")).contains("250-AUTH XOAUTH2").doesNotContain("STARTTLS");
            assertThat(c.command("STARTTLS")).startsWith("502");
            assertThat(c.command("MAIL FROM:<" + ALICE + ">")).isEqualTo(XOAuth2SmtpHub.AUTHENTICATION_REQUIRED);
            assertThat(c.command("AUTH XOAUTH2 " + xoauth2(ALICE, GOOD_TOKEN))).startsWith("235");
            assertThat(c.command("MAIL FROM:<" + ALICE + ">")).startsWith("421 4.7.0");
            assertThat(c.readReply()).isNull(); // closed by the hub
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Properties angus(XOAuth2SmtpHub hub, String protocol, String host) {
        String p = "mail." + protocol + ".";
        Properties props = new Properties();
        props.put(p + "host", host);
        props.put(p + "port", String.valueOf(hub.port()));
        props.put(p + "auth", "true");
        props.put(p + "auth.mechanisms", "XOAUTH2");
        props.put(p + "starttls.enable", "true");
        props.put(p + "starttls.required", "true");
        props.put(p + "ssl.socketFactory", hub.clientSocketFactory());
        props.put(p + "ssl.checkserveridentity", "true");
        props.put(p + "connectiontimeout", "5000");
        props.put(p + "timeout", "5000");
        return props;
    }

    private static void send(Properties props, String protocol, String user, String token, MimeMessage msg)
            throws MessagingException {
        Session session = Session.getInstance(props);
        msg.saveChanges();
        try (Transport transport = session.getTransport(protocol)) {
            transport.connect(user, token);
            transport.sendMessage(msg, msg.getAllRecipients());
        }
    }

    private static MimeMessage message(String from, String subject, String body, String... to)
            throws MessagingException {
        MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()));
        msg.setFrom(new InternetAddress(from));
        for (String t : to) {
            msg.addRecipient(Message.RecipientType.TO, new InternetAddress(t));
        }
        msg.setSubject(subject);
        msg.setText(body, "US-ASCII");
        return msg;
    }

    private static String xoauth2(String user, String token) {
        return Base64.getEncoder().encodeToString(
                ("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
    }

    /** A minimal SMTP client on a raw socket, to look at the wire protocol itself. */
    private static final class RawClient implements Closeable {
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        RawClient(XOAuth2SmtpHub hub) throws IOException {
            socket = new Socket(hub.host(), hub.port());
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void startTls(SSLContext context, String host) throws IOException {
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, host, socket.getPort(), true);
            SSLParameters params = ssl.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            socket = ssl;
            in = ssl.getInputStream();
            out = ssl.getOutputStream();
        }

        String command(String line) throws IOException {
            write(line + "\r\n");
            return readReply();
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The whole (multi-line) reply with lines joined by '\n', or null at end of stream. */
        String readReply() throws IOException {
            StringBuilder reply = new StringBuilder();
            while (true) {
                String line = readLine();
                if (line == null) {
                    return reply.length() == 0 ? null : reply.toString();
                }
                reply.append(line);
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return reply.toString();
                }
                reply.append('\n');
            }
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            if (b == -1 && line.size() == 0) {
                return null;
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
