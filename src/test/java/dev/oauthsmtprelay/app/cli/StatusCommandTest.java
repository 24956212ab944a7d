package dev.oauthsmtprelay.app.cli;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.intake.smtp.SmtpListener;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** {@code status} against a running relay, through its HTTP endpoint. */
class StatusCommandTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private void startRelay() {
        hub = bed.hub();
        relay = bed.relay(dir, Map.of("relay.health.port", FreePort.find()));
    }

    private int status(String... args) {
        CommandLine cli = RelayCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "status";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    private static String eml(String body) {
        return "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: test\r\n\r\n" + body + "\r\n";
    }

    @Test
    void should_print_queue_dead_letters_delivery_and_token_expiry_of_the_running_relay() {
        startRelay();
        hub.failNextData(1, "554 5.6.0 Message rejected: content not allowed");
        relay.drop("refused.eml", eml("refused"));
        // the dead letter is on disk before the queue commits the message's removal
        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1 && relay.queueDepth() == 0,
                () -> "one dead letter, and the queue empty");

        int exit = status("--config", dir.resolve("relay.properties").toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("queue relay.outbound: 0 message(s), 0 waiting to retry")
                .contains("broker: embedded, " + relay.dataDir().resolve("broker").toAbsolutePath().normalize() + "\n")
                .contains("dead letters: 1 (see 'dead-letter list')")
                .contains("delivery: running")
                .containsPattern("application: expires \\d{4}-\\S+Z \\(in \\d+m\\)")
                .contains("SMTP listener: off (relay.listener.enabled=false)")
                .contains("1 received, 0 delivered, 0 retried, 1 dead-lettered, 0 rejected");
    }

    @Test
    void should_print_the_listener_line_with_its_accepted_and_refused_counts() throws Exception {
        hub = bed.hub();
        relay = bed.relay(dir, Map.of("relay.health.port", FreePort.find(), "relay.listener.enabled", "true",
                "relay.listener.port", "0"));
        int port = ((SmtpListener) relay.context().getRegistry().lookupByName("relaySmtpListener")).port();
        String mail = "From: billing@example.com\r\nSubject: s\r\n\r\nhi\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            Writer smtp = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
            in.readLine();
            for (String line : new String[] {"HELO x", "MAIL FROM:<intruder@elsewhere.net>",
                    "MAIL FROM:<billing@example.com>", "RCPT TO:<customer@example.net>", "DATA", mail + ".", "QUIT"}) {
                smtp.write(line + "\r\n");
                smtp.flush();
                in.readLine();
            }
        }
        hub.awaitMessages(1, WAIT);

        int exit = status("--config", dir.resolve("relay.properties").toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("SMTP listener: listening on 127\\.0\\.0\\.1:" + port
                + ", TLS none, AUTH none; 0 open connection\\(s\\); since start 1 accepted \\(" + mail.length()
                + " bytes\\), 1 refused \\(sender 1\\)");
    }

    @Test
    void should_say_when_the_embedded_broker_is_not_running_and_how_often_it_was_started_again() throws Exception {
        StringWriter printed = new StringWriter();
        StatusCommand.print("http://127.0.0.1:1/", new ObjectMapper().readTree(
                "{\"queue\":\"relay.outbound\",\"broker\":{\"embedded\":\"/data/broker\",\"running\":false,"
                        + "\"restarts\":2}}"), new PrintWriter(printed));
        assertThat(printed.toString()).contains("broker: embedded, /data/broker, NOT running (see the relay's log), "
                + "started again 2 time(s) after a journal failure");
    }

    @Test
    void should_show_why_delivery_is_paused_and_exit_with_2() {
        startRelay();
        hub.setSmtpAuthDisabledForTenant(true);
        relay.drop("waiting.eml", eml("waiting"));

        await(WAIT, () -> status("--config", dir.resolve("relay.properties").toString()) == 2,
                () -> "status exiting with 2 (paused); output: " + out);
        assertThat(out.toString()).contains("delivery: PAUSED: ").contains("5.7.139").contains("Set-TransportConfig")
                .contains("queue relay.outbound: 1 message(s)");
    }

    @Test
    void should_name_a_paused_sender_mailbox_with_its_cause_and_exit_with_2() {
        startRelay();
        hub.setRejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365);
        hub.setTokenValidator((mailbox, token) -> false);
        relay.drop("waiting.eml", eml("waiting"));

        await(WAIT, () -> status("--config", dir.resolve("relay.properties").toString()) == 2,
                () -> "status exiting with 2 (a mailbox paused); output: " + out);
        assertThat(out.toString()).contains("delivery: running, PAUSED for 1 sender mailbox(es)")
                .containsPattern("\\n  billing@example\\.com since 20\\d\\d-.*5\\.7\\.3.*New-ServicePrincipal")
                .contains("queue relay.outbound: 1 message(s)");
    }

    @Test
    void should_explain_how_to_turn_the_endpoint_on_when_no_port_is_configured() {
        Path config = new RelayConfigFile().set("relay.data.dir", dir.resolve("data"))
                .writeTo(dir.resolve("no-port.properties"));

        int exit = status("--config", config.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("relay.health.port is not set").contains("restart the relay");
    }

    @Test
    void should_say_the_relay_is_not_reachable_when_nothing_listens() {
        int exit = status("--url", "http://127.0.0.1:" + FreePort.find());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("Cannot reach the relay").contains("Is it running");
    }
}
