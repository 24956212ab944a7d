package dev.oauthsmtprelay.app.cli;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** {@code queue} against a running relay and its embedded broker: hold across a restart, release, delete, the token. */
class QueueCommandTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern ID = Pattern.compile("^(\\d{8}-\\d{6}-\\S+)\\s+\\S+\\s+(\\S+)\\s+\\d+\\s+(\\S+)",
            Pattern.MULTILINE);

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    private final int port = FreePort.find();
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private RelayHarness relay(XOAuth2SmtpHub hub) {
        return bed.relay(dir, Map.of("relay.health.port", port, "relay.console.token", "t0ken-for-tests"));
    }

    private int queue(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = RelayCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 3];
        all[0] = "queue";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--config";
        all[args.length + 2] = dir.resolve("relay.properties").toString();
        return cli.execute(all);
    }

    private static String eml(String from, String subject) {
        return "From: " + from + "\r\nTo: customer@example.net\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
    }

    @Test
    void held_mail_survives_a_restart_is_never_delivered_until_released_and_deleted_mail_never_arrives() throws Exception {
        XOAuth2SmtpHub refusing = bed.hub();
        refusing.setTokenValidator((mailbox, token) -> false); // delivery pauses: the mail stays queued
        RelayHarness first = relay(refusing);
        first.drop("a.eml", eml("billing@example.com", "statement 1"));
        first.drop("b.eml", eml("billing@example.com", "statement 2"));
        first.drop("c.eml", eml("payroll@example.com", "payslip"));
        await(WAIT, () -> first.queueDepth() == 3 && first.filesIn(first.spoolDir(), ".eml") == 0, () -> "3 queued");
        // delivery paused after the refused logins: no attempt under way any more
        await(WAIT, () -> queue("list") == 0 && out.toString().contains("refused the XOAUTH2 login")
                && !out.toString().contains(" delivering "), () -> "the attempts over: " + out);

        assertThat(queue("list")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("billing@example.com").contains("payroll@example.com")
                .contains("3 message(s)").contains("    subject: statement 1, ").contains("    subject: payslip, ")
                .containsPattern("    last error: .*refused the XOAUTH2 login");
        assertThat(queue("list", "--subject", "STATEMENT")).isZero();
        assertThat(out.toString()).contains("2 message(s)").doesNotContain("payslip");
        assertThat(queue("hold", "--sender", "billing@example.com")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("held 2 message(s) (sender billing@example.com)");
        first.close();

        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness second = relay(hub);
        hub.awaitMessages(1, WAIT); // the payslip, not held
        Thread.sleep(1500);
        assertThat(hub.messageCount()).as("held messages are not delivered after the restart").isEqualTo(1);
        assertThat(queue("list", "--sender", "billing@example.com")).as(err.toString()).isZero();
        Matcher rows = ID.matcher(out.toString());
        String releaseId = null;
        String deleteId = null;
        int held = 0;
        while (rows.find()) {
            assertThat(rows.group(2)).isEqualTo("held");
            held++;
            if (releaseId == null) {
                releaseId = rows.group(1);
            } else {
                deleteId = rows.group(1);
            }
        }
        assertThat(held).as(out.toString()).isEqualTo(2);

        assertThat(queue("show", releaseId)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("\"state\" : \"held\"").contains("\"RelayMailFrom\" : \"billing@example.com\"")
                .contains("headers:\n  From: billing@example.com").containsPattern("  Subject: statement [12]");
        assertThat(queue("release", releaseId)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("released 1 message(s) (id " + releaseId + ")");
        hub.awaitMessages(2, WAIT);

        assertThat(queue("delete", deleteId)).isEqualTo(1);
        assertThat(err.toString()).contains("--yes");
        assertThat(queue("delete", deleteId, "--yes")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("deleted 1 message(s)");
        assertThat(queue("release", "--all")).isEqualTo(1);
        Thread.sleep(1500);
        assertThat(hub.messageCount()).as("the deleted message never arrives").isEqualTo(2);
        assertThat(second.queueDepth()).isZero();
    }

    @Test
    void hold_takes_a_message_that_was_in_a_delivery_attempt_once_the_attempt_fails() throws Exception {
        XOAuth2SmtpHub slow = bed.hub();
        slow.setDataReplyDelay(Duration.ofSeconds(3)).failNextData(1, "451 4.3.0 Temporary server error, try later");
        // the production order of things: the failed attempt's message waits out its redelivery delay in the queue
        RelayHarness relay = bed.relay(dir, Map.of("relay.health.port", port, "relay.console.token", "t0ken-for-tests",
                "relay.broker.redelivery-delay", "5s", "relay.broker.max-redelivery-delay", "5s"));
        relay.drop("a.eml", eml("billing@example.com", "statement"));
        await(WAIT, () -> slow.connections().stream().anyMatch(c -> c.sentCommand("DATA")), () -> "DATA sent");

        assertThat(queue("hold", "--sender", "billing@example.com")).as(err.toString()).isZero();

        assertThat(out.toString()).contains("held 1 message(s) (sender billing@example.com)")
                .doesNotContain("delivery attempt right now");
        assertThat(queue("list", "--sender", "billing@example.com")).isZero();
        assertThat(out.toString()).contains(" held ");
        Thread.sleep(1500);
        assertThat(slow.messageCount()).as("a held message is not delivered").isZero();
    }

    @Test
    void an_action_without_the_token_is_refused_and_changes_nothing() throws Exception {
        XOAuth2SmtpHub refusing = bed.hub();
        refusing.setTokenValidator((mailbox, token) -> false);
        RelayHarness relay = relay(refusing);
        relay.drop("a.eml", eml("billing@example.com", "statement"));
        await(WAIT, () -> relay.queueDepth() == 1, () -> "queued");
        Path noToken = new RelayConfigFile().set("relay.health.port", port).writeTo(dir.resolve("no-token.properties"));

        CommandLine cli = RelayCli.commandLine();
        StringWriter refused = new StringWriter();
        cli.setErr(new PrintWriter(refused, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute("queue", "delete", "--all", "--yes", "--config", noToken.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(refused.toString()).contains("HTTP 403").contains("relay.console.token");
        assertThat(relay.queueDepth()).isEqualTo(1);
    }
}
