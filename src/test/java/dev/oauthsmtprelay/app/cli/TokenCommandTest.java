package dev.oauthsmtprelay.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import dev.oauthsmtprelay.fixtures.ProviderErrorEndpoint;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;

class TokenCommandTest {

    private static TokenServer server;
    private static ProviderErrorEndpoint errors;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void start() {
        server = new TokenServer();
        errors = new ProviderErrorEndpoint();
    }

    @AfterAll
    static void stop() {
        server.close();
        errors.close();
    }

    private int run(String... args) {
        CommandLine cli = RelayCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path config(Path credentials) {
        return new RelayConfigFile()
                .set("relay.credentials", credentials)
                .set("relay.alias-domain", "example.com")
                .set("relay.data.dir", dir.resolve("data"))
                .writeTo(dir.resolve("relay.properties"));
    }

    @Test
    void should_print_google_token_details_for_the_user_with_the_token_redacted() {
        Path credentials = TestCredentials.write(dir, "gmail.json",
                TestCredentials.googleFields(server.tokenEndpoint("google"), "example.com"));

        int status = run("token", "--config", config(credentials).toString(), "--user", "alice@example.com");

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("provider:  Google Workspace (109876543210987654321)")
                .contains("endpoint:  " + server.tokenEndpoint("google"))
                .contains("mailbox:   alice@example.com")
                .contains("expires:   ")
                .containsPattern("token:     \\S{8}…\\(\\d+ chars\\)");
    }

    @Test
    void should_print_microsoft_application_token_claims() {
        Path credentials = TestCredentials.microsoftFile(dir, server);

        int status = run("token", "--config", config(credentials).toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("provider:  Microsoft 365 (aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee)")
                .contains("mailbox:   (application token")
                .contains("audience:  ")
                .contains("roles:     ");
    }

    @Test
    void should_exit_1_with_the_actionable_message_when_the_provider_refuses() {
        errors.answerNextWith(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: The provided "
                + "client secret keys for app 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' are expired.\"}");
        Path credentials = TestCredentials.write(dir, "o365.json",
                TestCredentials.microsoftFields(errors.url(), "example.com"));

        int status = run("token", "--config", config(credentials).toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("No token: Microsoft Entra refused to issue a token: the client secret "
                + "has expired");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void should_exit_1_naming_the_field_when_the_credentials_file_is_invalid() {
        Map<String, Object> fields = TestCredentials.microsoftFields(server.tokenEndpoint("tenant"), "example.org");
        Path credentials = TestCredentials.write(dir, "o365.json", fields);

        int status = run("token", "--config", config(credentials).toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("\"domain\": is \"example.org\" but relay.alias-domain is \"example.com\"");
    }

    @Test
    void should_request_nothing_when_credentials_are_disabled() {
        Path credentials = TestCredentials.write(dir, "o365.json",
                TestCredentials.microsoftFields(errors.url(), "example.com"));
        Path config = new RelayConfigFile()
                .set("relay.credentials", credentials)
                .set("relay.credentials.enabled", false)
                .set("relay.alias-domain", "example.com")
                .writeTo(dir.resolve("relay.properties"));
        int before = errors.requestCount();

        int status = run("token", "--config", config.toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("disabled (relay.credentials.enabled=false)");
        assertThat(errors.requestCount()).isEqualTo(before);
    }

    @Test
    void should_ask_for_a_mailbox_for_google_when_there_is_no_default_sender() {
        Path credentials = TestCredentials.write(dir, "gmail.json",
                TestCredentials.googleFields(server.tokenEndpoint("google"), "example.com"));

        int status = run("token", "--config", config(credentials).toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("give --user MAILBOX or set relay.default-sender");
    }

    @Test
    void should_name_the_missing_key_and_how_to_set_it() {
        Path config = new RelayConfigFile().set("relay.alias-domain", "example.com").writeTo(dir.resolve("r.properties"));

        int status = run("token", "--config", config.toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("'relay.credentials' is not set").contains("RELAY_CREDENTIALS");
    }

    @Test
    void should_describe_every_subcommand_in_help() {
        int status = run("--help");

        assertThat(status).isZero();
        assertThat(out.toString()).contains("run").contains("token");
        out.getBuffer().setLength(0);
        assertThat(run("token", "--help")).isZero();
        assertThat(out.toString()).contains("Request one access token").contains("--user").contains("--config");
    }

    @Test
    void with_several_accounts_the_user_picks_the_account_as_delivery_would_and_says_which() {
        Path o365 = TestCredentials.microsoftFile(dir, server);
        Path workspace = TestCredentials.write(dir, "workspace.json",
                TestCredentials.googleFields(server.tokenEndpoint("google"), "example.net"));
        Path config = new RelayConfigFile()
                .set("relay.credentials", o365 + ", " + workspace)
                .set("relay.alias-domain", "example.com")
                .set("relay.data.dir", dir.resolve("data"))
                .writeTo(dir.resolve("relay.properties"));

        assertThat(run("token", "--config", config.toString(), "--user", "Scanner@Example.NET")).as(err.toString())
                .isZero();
        assertThat(out.toString())
                .contains("account:   workspace (Google Workspace, example.net), " + workspace)
                .contains("provider:  Google Workspace")
                .contains("mailbox:   scanner@example.net");

        out.getBuffer().setLength(0);
        assertThat(run("token", "--config", config.toString(), "--user", "invoices@example.com")).as(err.toString())
                .isZero();
        assertThat(out.toString()).contains("account:   o365 (Microsoft 365, example.com)")
                .contains("provider:  Microsoft 365");

        out.getBuffer().setLength(0);
        assertThat(run("token", "--config", config.toString(), "--user", "someone@elsewhere.test")).isEqualTo(1);
        assertThat(err.toString()).contains("no sender mailbox for someone@elsewhere.test")
                .contains("example.com", "example.net");
        assertThat(out.toString()).doesNotContain("token:");
    }
}
