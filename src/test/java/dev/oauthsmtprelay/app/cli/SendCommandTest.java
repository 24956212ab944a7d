package dev.oauthsmtprelay.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.intake.parse.IntakeSettings;
import dev.oauthsmtprelay.intake.parse.MessageParser;
import dev.oauthsmtprelay.message.RelayMessage;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** {@code send}: into the spool (read back by the intake's parser, and delivered by a running relay) and --now. */
class SendCommandTest {

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /**
     * The relay's configuration file, for {@link #hub} (an accepting one unless the test started another); the relay
     * itself is started only where a test says so.
     */
    private Path configFor(Map<String, Object> extra) {
        if (hub == null) {
            hub = bed.hub();
        }
        relay = bed.harness(dir, extra);
        return dir.resolve("relay.properties");
    }

    private int send(String... args) {
        CommandLine cli = RelayCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "send";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    private List<Path> spoolFiles() throws IOException {
        if (!Files.isDirectory(dir.resolve("spool"))) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
            return files.toList();
        }
    }

    @Test
    void should_write_a_message_the_spool_intake_accepts() throws Exception {
        Path config = configFor(Map.of("relay.default-sender", "payroll@example.com"));
        Path report = Files.writeString(dir.resolve("report.csv"), "id;amount\n1;42\n");

        int status = send("--config", config.toString(), "--to", "alice@example.org", "--to", "bob@example.org",
                "--cc", "carol@example.org", "--bcc", "audit@example.com", "--subject", "Payroll run 11/2026 ✓",
                "--body", "Done.\nSee attachment.", "--attach", report.toString());

        assertThat(status).as(err.toString()).isZero();
        List<Path> files = spoolFiles();
        assertThat(files).hasSize(1);
        Path file = files.get(0);
        assertThat(file.getFileName().toString()).startsWith("send-").endsWith(".json");
        assertThat(out.toString()).startsWith("Queued <").contains(file.toAbsolutePath().toString());
        RelayMessage message = new MessageParser(IntakeSettings.defaults("example.com"))
                .parse(file.getFileName().toString(), Files.readAllBytes(file));
        assertThat(message.envelope().mailFrom()).isEqualTo("payroll@example.com");
        assertThat(message.envelope().recipients())
                .containsExactly("alice@example.org", "bob@example.org", "carol@example.org", "audit@example.com");
        String mime = new String(message.mime(), StandardCharsets.UTF_8);
        assertThat(mime).contains("From: payroll@example.com").contains("Subject: =?UTF-8?")
                .contains("filename=report.csv").doesNotContain("Bcc").doesNotContain("audit@example.com")
                .contains("Message-ID: " + out.toString().substring("Queued ".length(), out.toString().indexOf(" as ")));
    }

    @Test
    void should_send_html_from_a_file_with_the_given_sender() throws Exception {
        Path config = configFor(Map.of());
        Path body = Files.writeString(dir.resolve("body.html"), "<p>Nightly batch <b>ok</b></p>");

        int status = send("--config", config.toString(), "--from", "batch@example.com", "--to", "ops@example.org",
                "--subject", "Batch", "--body-file", body.toString(), "--html");

        assertThat(status).as(err.toString()).isZero();
        Path file = spoolFiles().get(0);
        RelayMessage message = new MessageParser(IntakeSettings.defaults("example.com"))
                .parse(file.getFileName().toString(), Files.readAllBytes(file));
        assertThat(message.envelope().mailFrom()).isEqualTo("batch@example.com");
        assertThat(new String(message.mime(), StandardCharsets.UTF_8)).contains("text/html")
                .contains("<p>Nightly batch <b>ok</b></p>");
    }

    @Test
    void should_refuse_a_line_break_in_a_header_value_and_write_nothing() throws Exception {
        Path config = configFor(Map.of("relay.default-sender", "payroll@example.com"));

        int status = send("--config", config.toString(), "--to", "alice@example.org",
                "--subject", "Hi\r\nBcc: someone@else.example", "--body", "x");
        int fromStatus = send("--config", config.toString(), "--to", "alice@example.org",
                "--from", "payroll@example.com\nBcc: someone@else.example", "--subject", "Hi", "--body", "x");

        assertThat(status).isEqualTo(1);
        assertThat(fromStatus).isEqualTo(1);
        assertThat(err.toString()).contains("Not sent: line break in \"subject\"")
                .contains("CR and LF are refused to prevent header injection")
                .contains("Not sent: line break in \"from\"");
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void should_ask_for_a_sender_when_there_is_no_from_and_no_default_sender() throws Exception {
        Path config = configFor(Map.of());

        int status = send("--config", config.toString(), "--to", "alice@example.org", "--subject", "Hi", "--body", "x");

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("Give --from ADDR or set relay.default-sender");
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void should_be_delivered_to_the_hub_by_the_running_relay() {
        Path config = configFor(Map.of("relay.default-sender", "payroll@example.com"));
        relay.start();

        int status = send("--config", config.toString(), "--to", "alice@example.org", "--bcc", "audit@example.com",
                "--subject", "Through the spool", "--body", "Hello from send");

        assertThat(status).as(err.toString()).isZero();
        List<XOAuth2SmtpHub.ReceivedMessage> received = hub.awaitMessages(1, Duration.ofSeconds(15));
        assertThat(received).hasSize(1);
        assertThat(received.get(0).mailFrom()).isEqualTo("payroll@example.com");
        assertThat(received.get(0).recipients()).containsExactly("alice@example.org", "audit@example.com");
        assertThat(received.get(0).dataAsString()).contains("Subject: Through the spool").contains("Hello from send");
    }

    @Test
    void should_deliver_now_and_print_the_hub_reply() throws Exception {
        Path config = configFor(Map.of("relay.default-sender", "payroll@example.com"));

        int status = send("--config", config.toString(), "--now", "--to", "alice@example.org", "--subject", "Now",
                "--body", "At once");

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Delivered <").contains(" to alice@example.org: 250");
        assertThat(hub.messageCount()).isEqualTo(1);
        assertThat(hub.messages().get(0).authenticatedMailbox()).isEqualTo("payroll@example.com");
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void should_exit_1_with_the_reason_when_the_hub_rejects_the_login() throws Exception {
        hub = bed.hub(builder -> builder.rejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365)
                .tokenValidator((mailbox, token) -> false));
        Path config = configFor(Map.of("relay.default-sender", "payroll@example.com"));

        int status = send("--config", config.toString(), "--now", "--to", "alice@example.org", "--subject", "Now",
                "--body", "At once");

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("Not delivered: localhost refused the login of payroll@example.com "
                + "(535 5.7.3 Authentication unsuccessful")
                .contains("Exchange does not let the application use this mailbox");
        assertThat(out.toString()).isEmpty();
        assertThat(hub.messageCount()).isZero();
    }
}
