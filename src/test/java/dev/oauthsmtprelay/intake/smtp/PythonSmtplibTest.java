package dev.oauthsmtprelay.intake.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** An independent client, Python's smtplib, sends through the listener (skipped where python3 is missing). */
class PythonSmtplibTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @Test
    void python_smtplib_sends_a_message_with_a_bcc_only_recipient() throws Exception {
        assumeTrue(python() != null, "python3 is not installed");
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of("relay.listener.enabled", "true", "relay.listener.port", "0"));
        int port = ((SmtpListener) relay.context().getRegistry().lookupByName("relaySmtpListener")).port();
        Path script = Files.writeString(dir.resolve("send.py"), String.join("\n",
                "import smtplib, sys",
                "from email.message import EmailMessage",
                "m = EmailMessage()",
                "m['From'] = 'reports@example.com'",
                "m['To'] = 'team@example.net'",
                "m['Subject'] = 'nightly report'",
                "m.set_content('all jobs ended normally')",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=20) as s:",
                "    s.ehlo()",
                "    assert s.has_extn('size'), s.esmtp_features",
                "    refused = s.send_message(m, to_addrs=['team@example.net', 'archive@example.org'])",
                "    assert not refused, refused",
                "print('sent')", ""), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(python(), script.toString(), String.valueOf(port))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, Duration.ofSeconds(20)).get(0);
        assertThat(received.recipients()).containsExactlyInAnyOrder("team@example.net", "archive@example.org");
        assertThat(received.dataAsString()).contains("Subject: nightly report").doesNotContain("archive@example.org");
    }

    private static String python() {
        for (String candidate : new String[] {"/usr/bin/python3", "/usr/local/bin/python3"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }
}
