package dev.oauthsmtprelay.intake.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import dev.oauthsmtprelay.app.cli.RelayCli;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;

/** What {@code check} says about the SMTP listener: the port, the certificate's validity, the users file. */
class ListenerCheckTest {

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    private String check(RelayConfigFile config) {
        CommandLine cli = RelayCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        cli.execute("check", "--config", config.set("relay.data.dir", dir.resolve("data"))
                .set("relay.spool.dir", dir.resolve("spool")).writeTo(dir.resolve("check.properties")).toString());
        return out.toString();
    }

    private RelayConfigFile listener(int port) {
        return new RelayConfigFile().set("relay.alias-domain", "example.com").set("relay.listener.enabled", "true")
                .set("relay.listener.port", port);
    }

    private RelayConfigFile withTls(RelayConfigFile config, ListenerCertificate certificate) {
        return config.set("relay.listener.tls", "starttls").set("relay.listener.tls.certificate", certificate.certificate())
                .set("relay.listener.tls.key", certificate.key());
    }

    @Test
    void a_free_port_and_a_certificate_valid_for_months_pass() throws Exception {
        int port = FreePort.find();
        String output = check(withTls(listener(port), ListenerCertificate.create(dir, 120)));
        assertThat(output).contains("PASS  SMTP listener port (relay.listener.host, relay.listener.port): 127.0.0.1:"
                + port + " can be bound");
        assertThat(output).containsPattern("PASS  SMTP listener certificate \\(relay.listener.tls.certificate\\): "
                + "CN=localhost, valid .* \\((119|120) days left\\)");
    }

    @Test
    void a_certificate_that_expires_within_30_days_warns_and_an_expired_one_fails() throws Exception {
        String soon = check(withTls(listener(FreePort.find()), ListenerCertificate.create(dir, 10)));
        assertThat(soon).containsPattern("WARN  SMTP listener certificate .*: expires in (9|10) day\\(s\\)")
                .contains("Renew the certificate");
        out.getBuffer().setLength(0);
        String expired = check(withTls(listener(FreePort.find()), ListenerCertificate.create(dir, 100, 10)));
        assertThat(expired).containsPattern("FAIL  SMTP listener certificate .*: expired").contains("Renew the certificate");
    }

    @Test
    void a_port_held_by_another_program_fails_with_how_to_find_it() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            String output = check(listener(other.getLocalPort()));
            assertThat(output).contains("FAIL  SMTP listener port").contains("cannot listen on 127.0.0.1:" + other.getLocalPort())
                    .contains("ss -ltnp 'sport = :" + other.getLocalPort() + "'");
        }
    }

    @Test
    void the_port_of_a_running_relay_passes() throws Exception {
        int port = FreePort.find();
        bed.hub();
        RelayHarness relay = bed.relay(Files.createDirectories(dir.resolve("running")), Map.of("relay.listener.enabled", "true",
                "relay.listener.port", port));
        assertThat(relay).isNotNull();
        assertThat(check(listener(port))).contains("PASS  SMTP listener port")
                .contains("a running oauth-smtp-relay already listens on 127.0.0.1:" + port);
    }

    @Test
    void auth_without_a_users_file_fails_naming_the_command_that_creates_it() throws Exception {
        String output = check(withTls(listener(FreePort.find()), ListenerCertificate.create(dir, 120))
                .set("relay.listener.auth", "optional").set("relay.listener.users", dir.resolve("missing-users")));
        assertThat(output).contains("FAIL  SMTP listener users (relay.listener.users)").contains("does not exist")
                .contains("listener-user add");
    }
}
