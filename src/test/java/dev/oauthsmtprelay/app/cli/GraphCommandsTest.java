package dev.oauthsmtprelay.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.sandbox.SandboxGraph;
import dev.oauthsmtprelay.sandbox.SandboxTokenServer;

/** {@code token} and {@code check} for a credentials file with {@code "transport": "graph"}, against real servers. */
class GraphCommandsTest {

    private static final String SENDER = "relay@example.com";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private SandboxTokenServer tokens;
    private SandboxGraph graph;

    @AfterEach
    void stop() {
        if (graph != null) {
            graph.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    @Test
    void token_prints_the_graph_roles_and_what_they_allow() {
        start(SandboxTokenServer.builder().graphRoles("Mail.Send"));

        int status = run("token", "--config", config());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("transport: Microsoft Graph " + graph.endpoint())
                .contains("audience:  https://graph.microsoft.com")
                .contains("roles:     Mail.Send")
                .contains("Mail.Send only: small messages go; drafts for large ones need Mail.ReadWrite")
                .doesNotContain(tokens.clientSecret());
    }

    @Test
    void check_reads_each_sender_mailbox_through_graph_and_skips_the_smtp_checks() {
        start(SandboxTokenServer.builder());

        int status = run("check", "--config", config());

        assertThat(status).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("Graph transport: Mail.Send sends")
                .contains("Graph mailbox " + SENDER)
                .contains("the Drafts folder of " + SENDER + " is readable")
                .doesNotContain("XOAUTH2 login").doesNotContain("hub DNS");
        assertThat(graph.count(SandboxGraph.Operation.GET_FOLDER)).isEqualTo(1);
        assertThat(graph.count(SandboxGraph.Operation.SEND_MAIL)).isZero();
    }

    @Test
    void check_fails_a_mailbox_an_access_policy_leaves_out_and_a_token_without_mail_send() {
        start(SandboxTokenServer.builder().graphRoles("Mail.ReadWrite"));
        graph.denyMailbox(SENDER);

        int status = run("check", "--config", config());

        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).contains("lacks Mail.Send: Graph refuses every message")
                .contains("Grant admin consent");
    }

    @Test
    void send_now_delivers_through_graph_with_the_bcc_recipient() {
        start(SandboxTokenServer.builder());

        int status = run("send", "--config", config(), "--now", "--to", "customer@example.net", "--bcc",
                "audit@example.com", "--subject", "Now", "--body", "sent at once");

        assertThat(status).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("sendMail");
        assertThat(graph.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.mailbox()).isEqualTo(SENDER);
            assertThat(sent.recipients()).containsExactlyInAnyOrder("customer@example.net", "audit@example.com");
        });
    }

    private void start(SandboxTokenServer.Builder builder) {
        tokens = builder.start();
        graph = SandboxGraph.start(tokens);
    }

    private String config() {
        Path credentials = TestCredentials.graphFile(dir, tokens, graph.endpoint(), "example.com");
        return new RelayConfigFile()
                .set("relay.credentials", credentials)
                .set("relay.alias-domain", "example.com")
                .set("relay.default-sender", SENDER)
                .set("relay.data.dir", dir.resolve("data"))
                .writeTo(dir.resolve("relay.properties")).toString();
    }

    private int run(String... args) {
        CommandLine cli = RelayCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
