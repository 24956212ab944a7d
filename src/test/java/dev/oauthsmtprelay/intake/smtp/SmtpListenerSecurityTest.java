package dev.oauthsmtprelay.intake.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.mail.AuthenticationFailedException;
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
import dev.oauthsmtprelay.queue.RelayBroker;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** Who may relay (networks, TLS, AUTH) and the 451 that keeps a message with the client while the queue is down. */
class SmtpListenerSecurityTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @Test
    void a_client_outside_the_allowed_networks_is_refused_with_554_naming_the_key() throws Exception {
        RelayHarness relay = bed.relay(dir, Map.of("relay.listener.enabled", "true", "relay.listener.port", "0",
                "relay.listener.allowed-networks", "10.0.0.0/8, fd00::/8"));
        try (RawSmtp smtp = new RawSmtp(port(relay))) {
            assertThat(smtp.reply()).startsWith("554 5.7.1").contains("relay.listener.allowed-networks");
            assertThat(smtp.closedByServer()).isTrue();
        }
    }

    @Test
    void a_queue_that_cannot_take_the_message_answers_451_and_queues_nothing() throws Exception {
        RelayHarness relay = bed.relay(dir, Map.of("relay.listener.enabled", "true", "relay.listener.port", "0"));
        try (RawSmtp smtp = new RawSmtp(port(relay))) {
            assertThat(smtp.envelope("billing@example.com", "a@example.net")).startsWith("250");
            relay.context().hasService(RelayBroker.class).stop(); // after MAIL FROM looked for room
            smtp.command("DATA");
            assertThat(smtp.command("From: billing@example.com\r\nTo: a@example.net\r\n\r\nx\r\n."))
                    .startsWith("451 4.3.0");
        }
        assertThat(stats(relay).accepted()).isZero();
        assertThat(stats(relay).refused().get("queue")).isEqualTo(1);
    }

    @Test
    void a_stopped_embedded_broker_is_answered_452_at_mail_from_before_any_data() throws Exception {
        RelayHarness relay = bed.relay(dir, Map.of("relay.listener.enabled", "true", "relay.listener.port", "0"));
        relay.context().hasService(RelayBroker.class).stop();
        try (RawSmtp smtp = new RawSmtp(port(relay))) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertThat(smtp.command("MAIL FROM:<billing@example.com>")).startsWith("452 4.3.0")
                    .contains("try again later");
        }
        assertThat(stats(relay).accepted()).isZero();
        assertThat(stats(relay).refused().get("queue")).isEqualTo(1);
    }

    /**
     * After STARTTLS the connection's bytes are encrypted, so the line deadline must follow the plaintext lines: a
     * client that trickles a command inside TLS, one byte per record, is cut off once the command timeout has passed
     * since that line began, like one in the clear.
     */
    @Test
    void a_client_that_trickles_a_command_inside_tls_is_cut_off_after_the_command_timeout() throws Exception {
        ListenerCertificate certificate = ListenerCertificate.create(dir, 90);
        RelayHarness relay = bed.relay(dir, Map.of("relay.listener.enabled", "true", "relay.listener.port", "0",
                "relay.listener.tls", "starttls", "relay.listener.tls.certificate", certificate.certificate(),
                "relay.listener.tls.key", certificate.key(), "relay.listener.command-timeout", "2s"));
        try (RawSmtp smtp = new RawSmtp(port(relay))) {
            smtp.reply();
            smtp.command("EHLO x");
            smtp.command("STARTTLS");
            smtp.startTls();
            CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return smtp.reply();
                } catch (IOException e) {
                    return "closed: " + e;
                }
            });
            long started = System.nanoTime();
            String line = "MAIL FROM:<slow.sender.with.a.rather.long.address.for.many.records@example.com>";
            for (int i = 0; i < line.length() && !reply.isDone(); i++) {
                try {
                    smtp.send(line.substring(i, i + 1)); // one TLS record each
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(100); // well under the socket's read timeout (2 s), never a whole line
            }
            String answer = reply.get(10, TimeUnit.SECONDS);
            Duration cutOff = Duration.ofNanos(System.nanoTime() - started);
            assertThat(answer).startsWith("421");
            assertThat(cutOff).isBetween(Duration.ofMillis(1_900), Duration.ofMillis(3_500));
        }
    }

    @Test
    void auth_is_taken_only_after_starttls_and_a_user_of_the_file_relays() throws Exception {
        ListenerCertificate certificate = ListenerCertificate.create(dir, 90);
        Path users = dir.resolve("listener-users");
        ListenerUsers.loadOrEmpty(users).with("printer", "s3cret-Pa55".toCharArray()).save(users);
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of("relay.listener.enabled", "true", "relay.listener.port", "0",
                "relay.listener.tls", "starttls", "relay.listener.tls.certificate", certificate.certificate(),
                "relay.listener.tls.key", certificate.key(), "relay.listener.auth", "required",
                "relay.listener.users", users, "relay.listener.auth.max-failures", "2"));
        int port = port(relay);

        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.reply();
            // AUTH is not offered before STARTTLS, so no client sends a password in the clear.
            assertThat(smtp.command("EHLO x")).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(smtp.command("MAIL FROM:<billing@example.com>")).startsWith("530");
        }
        assertThatThrownBy(() -> send(port, "printer", "wrong")).isInstanceOf(AuthenticationFailedException.class);
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.reply();
            smtp.command("EHLO x");
            smtp.command("STARTTLS");
            smtp.startTls();
            smtp.command("EHLO x");
            long started = System.nanoTime();
            assertThat(smtp.command("AUTH PLAIN " + plain("printer", "guess-1"))).startsWith("535 5.7.8");
            assertThat(smtp.command("AUTH PLAIN " + plain("printer", "guess-2"))).startsWith("535 5.7.8")
                    .contains("2 times").contains("relay.listener.auth.max-failures");
            assertThat(smtp.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        }
        send(port, "printer", "s3cret-Pa55");
        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.dataAsString()).contains("with ESMTPSA id");
    }

    @Test
    void with_optional_auth_plain_clients_relay_and_auth_is_offered_only_under_tls() throws Exception {
        ListenerCertificate certificate = ListenerCertificate.create(dir, 90);
        Path users = dir.resolve("listener-users");
        ListenerUsers.loadOrEmpty(users).with("scanner", "s3cret-Pa55".toCharArray()).save(users);
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of("relay.listener.enabled", "true", "relay.listener.port", "0",
                "relay.listener.tls", "starttls", "relay.listener.tls.certificate", certificate.certificate(),
                "relay.listener.tls.key", certificate.key(), "relay.listener.auth", "optional",
                "relay.listener.users", users));

        try (RawSmtp smtp = new RawSmtp(port(relay))) {
            smtp.reply();
            assertThat(smtp.command("EHLO printer")).contains("STARTTLS").contains("PIPELINING").doesNotContain("AUTH");
            assertThat(smtp.command("AUTH PLAIN " + plain("scanner", "s3cret-Pa55"))).startsWith("538 5.7.11")
                    .contains("STARTTLS");
            assertThat(smtp.command("STARTTLS")).startsWith("220");
            smtp.startTls();
            assertThat(smtp.command("EHLO printer")).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            assertThat(smtp.command("AUTH PLAIN " + plain("scanner", "guess"))).startsWith("535 5.7.8")
                    .contains("relay.listener.users").doesNotContain("guess");
            assertThat(smtp.command("AUTH PLAIN " + plain("scanner", "s3cret-Pa55"))).startsWith("235");
        }
        try (RawSmtp smtp = new RawSmtp(port(relay))) {
            assertThat(smtp.envelope("billing@example.com", "customer@example.net")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            assertThat(smtp.command("From: billing@example.com\r\nSubject: plain\r\n\r\nhi\r\n.")).startsWith("250");
        }
        assertThat(hub.awaitMessages(1, WAIT).get(0).dataAsString()).contains("Subject: plain");
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void the_protocols_key_decides_which_tls_versions_the_listener_speaks() throws Exception {
        ListenerCertificate certificate = ListenerCertificate.create(dir, 90);
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of("relay.listener.enabled", "true", "relay.listener.port", "0",
                "relay.listener.tls", "starttls", "relay.listener.tls.certificate", certificate.certificate(),
                "relay.listener.tls.key", certificate.key(), "relay.listener.tls.protocols", "TLSv1.3"));
        Properties props = tlsProps(port(relay));
        props.put("mail.smtp.ssl.protocols", "TLSv1.2");
        assertThatThrownBy(() -> Transport.send(message(props))).isInstanceOf(jakarta.mail.MessagingException.class);
        props.put("mail.smtp.ssl.protocols", "TLSv1.3");
        Transport.send(message(props));
        assertThat(hub.awaitMessages(1, WAIT).get(0).dataAsString()).contains("with ESMTPS id");
    }

    private static void send(int port, String user, String password) throws Exception {
        Properties props = tlsProps(port);
        props.put("mail.smtp.auth", "true");
        Transport.send(message(props), user, password);
    }

    private static Properties tlsProps(int port) {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.trust", "*");
        props.put("mail.smtp.ssl.checkserveridentity", "false");
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "5000");
        return props;
    }

    private static MimeMessage message(Properties props) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("billing@example.com"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("customer@example.net"));
        message.setSubject("over TLS");
        message.setText("hello");
        return message;
    }

    private static SmtpListener listener(RelayHarness relay) {
        return (SmtpListener) relay.context().getRegistry().lookupByName("relaySmtpListener");
    }

    private static int port(RelayHarness relay) {
        return listener(relay).port();
    }

    private static ListenerStats stats(RelayHarness relay) {
        return listener(relay).stats();
    }
}
