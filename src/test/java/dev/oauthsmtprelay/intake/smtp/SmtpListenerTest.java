package dev.oauthsmtprelay.intake.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The listener in a whole relay (token server, embedded broker, the sandbox hub), with Angus Mail as a client and
 * raw sockets for what a good client never sends. One relay for the class: every case leaves it as it found it,
 * and the hub counts show that nothing refused was queued.
 */
class SmtpListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private static TokenServer tokens;
    private static XOAuth2SmtpHub hub;
    private static RelayHarness relay;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        tokens = new TokenServer();
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start();
        Path users = Files.writeString(dir.resolve("users.properties"), "QSYSOPR = operator@example.com\n");
        Map<String, Object> extra = new HashMap<>();
        extra.put("relay.listener.enabled", "true");
        extra.put("relay.listener.port", "0");
        extra.put("relay.users", users);
        extra.put("relay.listener.max-message-size", "20000");
        extra.put("relay.intake.max-size", "20000");
        extra.put("relay.intake.max-recipients", "5");
        extra.put("relay.listener.max-connections-per-client", "4");
        extra.put("relay.listener.command-timeout", "2s");
        extra.put("relay.listener.data-timeout", "3s");
        relay = new RelayHarness(dir, TestCredentials.microsoftFile(dir, tokens), hub, extra).start();
        port = ((SmtpListener) relay.context().getRegistry().lookupByName("relaySmtpListener")).port();
    }

    @AfterAll
    static void stop() {
        relay.close();
        hub.close();
        tokens.close();
    }

    @Test
    void angus_mail_sends_through_the_listener_and_a_bcc_only_recipient_reaches_the_hub() throws Exception {
        int before = hub.messageCount();
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("billing@example.com"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("customer@example.net"));
        message.setRecipient(Message.RecipientType.BCC, new InternetAddress("auditor@example.org"));
        message.setSubject("Invoice 42");
        message.setText("Please find the invoice.");
        Transport.send(message);

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(before + 1, WAIT).get(before);
        assertThat(received.recipients()).containsExactlyInAnyOrder("customer@example.net", "auditor@example.org");
        assertThat(received.mailFrom()).isEqualTo("billing@example.com");
        String data = received.dataAsString();
        assertThat(data).startsWith("Received: from ").contains("[127.0.0.1]").contains("with ESMTP id ");
        assertThat(data).doesNotContain("auditor@example.org").contains("Subject: Invoice 42");
    }

    @Test
    void the_envelope_wins_over_the_headers() throws Exception {
        int before = hub.messageCount();
        try (RawSmtp smtp = new RawSmtp(port)) {
            assertThat(smtp.envelope("qsysopr@ibmi.local", "real@example.net")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            assertThat(smtp.command("From: QSYSOPR@ibmi.local\r\nTo: header@example.net\r\nSubject: x\r\n\r\nhi\r\n."))
                    .startsWith("250");
        }
        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(before + 1, WAIT).get(before);
        assertThat(received.recipients()).containsExactly("real@example.net");
        assertThat(received.mailFrom()).isEqualTo("operator@example.com"); // relay.users, resolved at delivery
    }

    @Test
    void a_sender_outside_the_allowed_senders_is_refused_at_mail_from() throws Exception {
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.reply();
            smtp.command("EHLO x");
            assertThat(smtp.command("MAIL FROM:<someone@elsewhere.net>"))
                    .startsWith("550 5.7.1").contains("relay.listener.allowed-senders");
            assertThat(smtp.command("RCPT TO:<a@example.net>")).startsWith("503");
        }
    }

    @Test
    void a_from_header_outside_the_allowed_senders_is_refused_and_nothing_queued() throws Exception {
        assertRefusedData("From: boss@elsewhere.net\r\nTo: a@example.net\r\nSubject: x\r\n\r\nhi\r\n",
                "550 5.7.1", "relay.listener.allowed-senders");
    }

    @Test
    void recipients_over_the_limit_get_452_naming_the_limit_and_10000_rcpts_leave_the_relay_up() throws Exception {
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.envelope("billing@example.com", "r0@example.net");
            StringBuilder batch = new StringBuilder();
            for (int i = 1; i < 10_000; i++) {
                batch.append("RCPT TO:<r").append(i).append("@example.net>\r\n");
            }
            // RSET goes with the batch: reading 10,000 replies may take longer than the 2 s command timeout here
            smtp.send(batch.append("RSET\r\n").toString());
            int accepted = 1;
            int refused = 0;
            for (int i = 1; i < 10_000; i++) {
                String reply = smtp.reply();
                if (reply.startsWith("250")) {
                    accepted++;
                } else {
                    assertThat(reply).startsWith("452 4.5.3").contains("relay.intake.max-recipients");
                    refused++;
                }
            }
            assertThat(accepted).isEqualTo(5);
            assertThat(refused).isEqualTo(9995);
            assertThat(smtp.reply()).startsWith("250"); // RSET: the session took the whole burst
            // no further command: reading 10,000 replies may outlast the 2 s command timeout, which is then right
        }
        assertListenerAnswers();
    }

    @Test
    void a_declared_size_over_the_limit_is_refused_with_552_and_the_limit_is_advertised() throws Exception {
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.reply();
            assertThat(smtp.command("EHLO x")).contains("SIZE 20000").contains("8BITMIME");
            assertThat(smtp.command("MAIL FROM:<billing@example.com> SIZE=50000")).startsWith("552 5.3.4")
                    .contains("relay.listener.max-message-size");
            assertThat(smtp.command("MAIL FROM:<billing@example.com> SIZE=99999999999 BODY=8BITMIME"))
                    .startsWith("552 5.3.4").contains("relay.listener.max-message-size");
            assertThat(smtp.command("MAIL FROM:<billing@example.com> SIZE=lots")).startsWith("501");
            assertThat(smtp.command("MAIL FROM:<billing@example.com> SIZE=1000 BODY=8BITMIME")).startsWith("250");
        }
    }

    @Test
    void a_pipelined_transaction_is_answered_in_order_and_delivered() throws Exception {
        int before = hub.messageCount();
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.reply();
            assertThat(smtp.command("EHLO x")).contains("PIPELINING");
            smtp.send("MAIL FROM:<billing@example.com>\r\nRCPT TO:<one@example.net>\r\nRCPT TO:<two@example.net>\r\n"
                    + "DATA\r\n");
            assertThat(smtp.reply()).startsWith("250");
            assertThat(smtp.reply()).startsWith("250");
            assertThat(smtp.reply()).startsWith("250");
            assertThat(smtp.reply()).startsWith("354");
            smtp.send("From: billing@example.com\r\nSubject: pipelined\r\n\r\nhi\r\n.\r\nQUIT\r\n");
            assertThat(smtp.reply()).startsWith("250");
            assertThat(smtp.reply()).startsWith("221");
        }
        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(before + 1, WAIT).get(before);
        assertThat(received.recipients()).containsExactlyInAnyOrder("one@example.net", "two@example.net");
        assertThat(received.dataAsString()).contains("Subject: pipelined");
    }

    @Test
    void a_message_sent_in_bdat_chunks_arrives_whole() throws Exception {
        int before = hub.messageCount();
        byte[] first = "From: billing@example.com\r\nSubject: chunked\r\n\r\nfirst half, ".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "second half\r\n.leading dot kept\r\n".getBytes(StandardCharsets.US_ASCII);
        try (RawSmtp smtp = new RawSmtp(port)) {
            assertThat(smtp.envelope("billing@example.com", "chunks@example.net")).startsWith("250");
            smtp.send("BDAT " + first.length + "\r\n");
            smtp.send(first);
            assertThat(smtp.reply()).startsWith("250");
            smtp.send("BDAT " + second.length + " LAST\r\n");
            smtp.send(second);
            assertThat(smtp.reply()).startsWith("250");
        }
        String data = hub.awaitMessages(before + 1, WAIT).get(before).dataAsString();
        assertThat(data).contains("first half, second half\r\n");
        assertThat(data.lines()).contains(".leading dot kept");
    }

    @Test
    void an_undeclared_message_over_the_limit_is_refused_with_552_naming_the_key() throws Exception {
        assertRefusedData(headers() + "x".repeat(900).concat("\r\n").repeat(30), "552 5.3.4",
                "relay.listener.max-message-size");
    }

    @Test
    void a_nul_byte_is_refused() throws Exception {
        assertRefusedData(headers() + "before\0after\r\n", "550 5.6.0", "NUL");
    }

    @Test
    void a_bare_lf_is_refused() throws Exception {
        assertRefusedData(headers() + "one\ntwo\r\n", "550 5.6.0", "bare LF");
    }

    @Test
    void a_line_longer_than_rfc_5321_allows_is_refused() throws Exception {
        assertRefusedData(headers() + "y".repeat(1200) + "\r\n", "550 5.6.0", "longer than 998");
    }

    @Test
    void a_header_section_that_does_not_parse_is_refused() throws Exception {
        assertRefusedData("From: billing@example.com\r\nTo: <<<not an address\r\n\r\nbody\r\n", "550 5.6.0", "To");
    }

    @Test
    void an_over_long_command_line_is_refused_and_the_connection_closed() throws Exception {
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.reply();
            assertThat(smtp.command("EHLO " + "h".repeat(2000))).startsWith("501");
            assertThat(smtp.closedByServer()).isTrue();
        }
        assertListenerAnswers();
    }

    @Test
    void a_client_that_disconnects_in_the_middle_of_data_queues_nothing() throws Exception {
        int before = settledHubCount();
        long refused = stats().refused().get("disconnected");
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.envelope("billing@example.com", "a@example.net");
            smtp.command("DATA");
            smtp.send(headers() + "half a message");
        }
        waitFor(() -> stats().refused().get("disconnected") > refused);
        Thread.sleep(300);
        assertThat(hub.messageCount()).isEqualTo(before);
        assertListenerAnswers();
    }

    @Test
    void a_slowloris_client_is_cut_off_after_the_command_timeout() throws Exception {
        try (RawSmtp smtp = new RawSmtp(port)) {
            smtp.reply();
            long started = System.nanoTime();
            String reply = null;
            for (char c : "EHLO slow.client.example".toCharArray()) {
                try {
                    smtp.send(String.valueOf(c));
                } catch (java.io.IOException closed) {
                    break; // the server gave up on us: the reply is waiting
                }
                Thread.sleep(250); // under the socket timeout each time, never a whole line
                if (System.nanoTime() - started > Duration.ofSeconds(4).toNanos()) {
                    break;
                }
            }
            reply = smtp.reply();
            assertThat(reply).startsWith("421");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        }
        assertListenerAnswers();
    }

    @Test
    void connections_over_the_per_client_limit_get_421_naming_the_key() throws Exception {
        List<RawSmtp> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                RawSmtp smtp = new RawSmtp(port);
                open.add(smtp);
                assertThat(smtp.reply()).startsWith("220");
            }
            try (RawSmtp fifth = new RawSmtp(port)) {
                assertThat(fifth.reply()).startsWith("421 4.7.0").contains("relay.listener.max-connections-per-client");
            }
        } finally {
            for (RawSmtp smtp : open) {
                smtp.close();
            }
        }
        waitFor(() -> stats().openConnections() == 0);
        assertListenerAnswers();
    }

    private static String headers() {
        return "From: billing@example.com\r\nTo: a@example.net\r\nSubject: t\r\n\r\n";
    }

    private static void assertRefusedData(String data, String code, String naming) throws Exception {
        int before = settledHubCount();
        try (RawSmtp smtp = new RawSmtp(port)) {
            assertThat(smtp.envelope("billing@example.com", "a@example.net")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            smtp.send(data.getBytes(StandardCharsets.UTF_8));
            assertThat(smtp.command(".")).startsWith(code).contains(naming);
            assertThat(smtp.command("NOOP")).as("the session goes on").startsWith("250");
        }
        Thread.sleep(300);
        assertThat(hub.messageCount()).as("nothing was queued").isEqualTo(before);
    }

    /** The relay still takes a good message after the case. */
    private static void assertListenerAnswers() throws Exception {
        int before = hub.messageCount();
        try (RawSmtp smtp = new RawSmtp(port)) {
            assertThat(smtp.envelope("billing@example.com", "after@example.net")).startsWith("250");
            smtp.command("DATA");
            assertThat(smtp.command(headers() + "still here\r\n.")).startsWith("250");
        }
        hub.awaitMessages(before + 1, WAIT);
    }

    /** The hub's count once every message the listener accepted so far has arrived there. */
    private static int settledHubCount() throws InterruptedException {
        waitFor(() -> hub.messageCount() == stats().accepted());
        return hub.messageCount();
    }

    private static ListenerStats stats() {
        return ((SmtpListener) relay.context().getRegistry().lookupByName("relaySmtpListener")).stats();
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
