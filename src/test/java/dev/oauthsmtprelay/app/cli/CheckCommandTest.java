package dev.oauthsmtprelay.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import dev.oauthsmtprelay.fixtures.FixedDateHttpEndpoint;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.ProviderErrorEndpoint;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** {@code check} against real parts: the sandbox hub, mock-oauth2-server and a provider error endpoint. */
class CheckCommandTest {

    private static TokenServer tokenServer;
    private static ProviderErrorEndpoint errorEndpoint;

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startServers() {
        tokenServer = new TokenServer();
        errorEndpoint = new ProviderErrorEndpoint();
    }

    @AfterAll
    static void stopServers() {
        tokenServer.close();
        errorEndpoint.close();
    }

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private int check(Path config) {
        CommandLine cli = RelayCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute("check", "--config", config.toString());
    }

    private RelayConfigFile config(Path credentials, XOAuth2SmtpHub smtpHub) {
        return new RelayConfigFile()
                .set("relay.credentials", credentials)
                .set("relay.alias-domain", "example.com")
                .set("relay.default-sender", "relay@example.com")
                .set("relay.smtp.host", smtpHub.hostName())
                .set("relay.smtp.port", smtpHub.port())
                .set("relay.smtp.tls", smtpHub.tlsMode() == XOAuth2SmtpHub.TlsMode.IMPLICIT_TLS ? "implicit" : "starttls")
                .set("relay.smtp.trust-store", smtpHub.certificatePemPath())
                .set("relay.smtp.connect-timeout", "2s")
                .set("relay.smtp.timeout", "5s")
                .set("relay.token.timeout", "2s")
                .set("relay.data.dir", dir.resolve("data"))
                .set("relay.spool.dir", dir.resolve("spool"));
    }

    private Path googleCredentials(String domain) {
        return TestCredentials.write(dir, "gmail.json",
                TestCredentials.googleFields(tokenServer.tokenEndpoint("google"), domain));
    }

    private XOAuth2SmtpHub googleHub() {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google")).start();
        return hub;
    }

    @Test
    void should_pass_everything_against_a_working_hub_and_token_server() throws Exception {
        googleHub();
        Path users = Files.writeString(dir.resolve("users.txt"), "QSYSOPR = operator@example.com\n");
        Path config = config(googleCredentials("example.com"), hub).set("relay.users", users)
                .writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(out.toString()).doesNotContain("WARN").doesNotContain("FAIL").doesNotContain("fix:")
                .contains("PASS  configuration relay.smtp.*: localhost:" + hub.port() + " (STARTTLS required)")
                .contains("PASS  spool directory (relay.spool.dir)")
                .contains("PASS  credentials " + dir.resolve("gmail.json") + ": Google Workspace credentials")
                .contains("PASS  clock: not compared: " + tokenServer.tokenEndpoint("google") + " sends no Date header")
                .contains("PASS  token for operator@example.com: expires in ")
                .contains("PASS  token for relay@example.com: expires in ")
                .contains("PASS  hub DNS localhost")
                .contains("PASS  hub STARTTLS localhost:" + hub.port() + ": offered and accepted")
                .contains("PASS  hub certificate [0]: subject CN=localhost")
                .contains("PASS  hub certificate trust: trusted by relay.smtp.trust-store")
                .contains("PASS  hub certificate host name: issued for localhost")
                .contains("PASS  XOAUTH2 login operator@example.com at localhost:" + hub.port() + ": accepted (235")
                .contains("PASS  XOAUTH2 login relay@example.com");
        assertThat(status).isZero();
        assertThat(hub.messageCount()).as("check never sends mail").isZero();
        assertThat(hub.authAcceptedCount()).isEqualTo(2);
    }

    @Test
    void should_fail_naming_both_values_when_the_credentials_domain_is_not_the_alias_domain() {
        googleHub();
        Path config = config(googleCredentials("example.org"), hub).writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  credentials " + dir.resolve("gmail.json") + " \"domain\": is \"example.org\" but "
                        + "relay.alias-domain is \"example.com\"")
                .contains("fix: They must be equal (or the alias domain listed in \"domains\"), otherwise mail is not "
                        + "relayed with these credentials: correct one of them.");
    }

    @Test
    void should_fail_the_certificate_trust_when_the_hub_certificate_is_not_in_the_trust_store() {
        googleHub();
        Path config = config(googleCredentials("example.com"), hub).set("relay.smtp.trust-store", "")
                .writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("PASS  hub certificate [0]: subject CN=localhost")
                .contains("FAIL  hub certificate trust: not trusted by the JVM trust store")
                .contains("fix: Set relay.smtp.trust-store to a PEM bundle holding the CA that issued the hub's "
                        + "certificate")
                .contains("openssl s_client -starttls smtp -connect localhost:" + hub.port());
        assertThat(hub.authAttemptCount()).as("no credentials sent to an untrusted hub").isZero();
    }

    @Test
    void should_fail_the_host_name_when_the_certificate_is_issued_for_another_name() {
        hub = XOAuth2SmtpHub.builder().certificate(XOAuth2SmtpHub.CertificateKind.WRONG_NAME)
                .tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google")).start();
        Path config = config(googleCredentials("example.com"), hub).writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("PASS  hub certificate trust")
                .contains("FAIL  hub certificate host name: not issued for localhost")
                .contains("fix: Set relay.smtp.host to a name the certificate is issued for");
    }

    @Test
    void should_fail_when_the_hub_does_not_offer_starttls() {
        hub = XOAuth2SmtpHub.builder().tlsMode(XOAuth2SmtpHub.TlsMode.NO_STARTTLS)
                .tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google")).start();
        Path config = config(googleCredentials("example.com"), hub).set("relay.smtp.tls", "starttls")
                .writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  hub STARTTLS localhost:" + hub.port() + ": the EHLO reply does not offer STARTTLS")
                .contains("fix: The relay never logs in without TLS")
                .contains("use relay.smtp.tls=implicit (port 465)");
        assertThat(hub.authAttemptCount()).isZero();
    }

    @Test
    void should_fail_the_login_with_the_explanation_when_the_hub_rejects_xoauth2() {
        hub = XOAuth2SmtpHub.builder().rejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365)
                .tokenValidator((mailbox, token) -> false).start();
        Path config = config(googleCredentials("example.com"), hub).writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("PASS  token for relay@example.com")
                .contains("FAIL  XOAUTH2 login relay@example.com at localhost:" + hub.port() + ": refused: 535 5.7.3")
                .contains("fix: localhost refused the login of relay@example.com")
                .contains("Exchange does not let the application use this mailbox");
        assertThat(hub.messageCount()).isZero();
    }

    @Test
    void should_fail_the_token_with_the_provider_explanation_when_the_token_endpoint_refuses() {
        googleHub();
        for (int i = 0; i < 2; i++) { // the clock check's GET, then the token request
            errorEndpoint.answerNextWith(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: "
                    + "The provided client secret keys for app 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' are expired.\"}");
        }
        Path credentials = TestCredentials.write(dir, "o365.json",
                TestCredentials.microsoftFields(errorEndpoint.url(), "example.com"));
        Path config = config(credentials, hub).writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  token for the application: no token from ")
                .contains("fix: Microsoft Entra refused to issue a token: the client secret has expired");
    }

    @Test
    void should_fail_when_the_token_server_clock_is_ten_minutes_off() {
        googleHub();
        try (FixedDateHttpEndpoint skewed = new FixedDateHttpEndpoint(Instant.now().plus(Duration.ofMinutes(10)))) {
            Path credentials = TestCredentials.write(dir, "o365.json",
                    TestCredentials.microsoftFields(skewed.url(), "example.com"));
            Path config = config(credentials, hub).writeTo(dir.resolve("relay.properties"));

            int status = check(config);

            assertThat(status).isEqualTo(1);
            // The Date header has whole seconds, and a loaded machine adds a second or two to the request.
            assertThat(out.toString())
                    .containsPattern("FAIL  clock: local \\S+, token server \\S+: local clock (59[5-9]|60[0-5]) s behind")
                    .contains("fix: Synchronise this machine's clock (NTP");
        }
    }

    @Test
    void should_warn_when_the_token_server_clock_is_two_minutes_off() {
        googleHub();
        try (FixedDateHttpEndpoint skewed = new FixedDateHttpEndpoint(Instant.now().minus(Duration.ofMinutes(2)))) {
            Path credentials = TestCredentials.write(dir, "o365.json",
                    TestCredentials.microsoftFields(skewed.url(), "example.com"));
            Path config = config(credentials, hub).writeTo(dir.resolve("relay.properties"));

            check(config);

            assertThat(out.toString()).containsPattern("WARN  clock: .*local clock (119|120|121) s ahead");
        }
    }

    @Test
    void should_warn_when_the_microsoft_token_lacks_the_smtp_role_and_audience() {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.applicationTokens(tokenServer, "tenant")).start();
        Path credentials = TestCredentials.microsoftFile(dir, tokenServer);
        Path config = config(credentials, hub).writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(out.toString())
                .contains("WARN  token for the application: expires in ")
                .contains("lacks audience https://outlook.office365.com")
                .contains("fix: Request scope https://outlook.office365.com/.default")
                .contains("PASS  XOAUTH2 login relay@example.com")
                .doesNotContain("FAIL");
        assertThat(status).isEqualTo(2);
    }

    /** The next token the server issues: Exchange's audience and these roles (check asks once, then caches). */
    private void nextMicrosoftToken(List<String> roles) {
        tokenServer.server().enqueueCallback(new DefaultOAuth2TokenCallback("tenant", "app-object-id", "JWT",
                List.of("https://outlook.office365.com"), roles.isEmpty() ? Map.of() : Map.of("roles", roles), 3600));
    }

    @Test
    void a_token_without_roles_is_what_rbac_for_applications_gives_and_gets_no_advice_to_add_the_permission() {
        nextMicrosoftToken(List.of());
        hub = XOAuth2SmtpHub.builder().tokenValidator((mailbox, token) -> true).start();
        int status = check(config(TestCredentials.microsoftFile(dir, tokenServer), hub).writeTo(dir.resolve("r.properties")));

        assertThat(out.toString()).contains("PASS  token for the application").contains("roles (none)")
                .contains("no roles, as RBAC for Applications (path A, recommended)")
                .doesNotContain("add the API permission");
        assertThat(status).as(out.toString()).isZero();
    }

    @Test
    void a_token_with_smtp_send_as_app_is_the_classic_path_and_other_roles_alone_are_a_half_done_set_up()
            throws Exception {
        nextMicrosoftToken(List.of("SMTP.SendAsApp"));
        hub = XOAuth2SmtpHub.builder().tokenValidator((mailbox, token) -> true).start();
        Path config = config(TestCredentials.microsoftFile(dir, tokenServer), hub).writeTo(dir.resolve("r.properties"));
        assertThat(check(config)).as(out.toString()).isZero();
        assertThat(out.toString()).contains("classic set-up (path B)").contains("Add-MailboxPermission");

        out.getBuffer().setLength(0);
        nextMicrosoftToken(List.of("Mail.Send"));
        Path other = config(TestCredentials.microsoftFile(Files.createDirectories(dir.resolve("o")), tokenServer), hub)
                .set("relay.data.dir", dir.resolve("data2")).writeTo(dir.resolve("o.properties"));
        assertThat(check(other)).isEqualTo(2);
        assertThat(out.toString()).contains("WARN  token for the application").contains("roles without SMTP.SendAsApp")
                .contains("Path A, RBAC for Applications").contains("Path B, classic");
    }

    @Test
    void a_client_secret_that_expires_within_30_days_warns_and_an_expired_one_fails() throws Exception {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.applicationTokens(tokenServer, "tenant")).start();
        Map<String, Object> fields = TestCredentials.microsoftFields(tokenServer.tokenEndpoint("tenant"), "example.com");
        fields.put("client_secret_expires", java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(10).toString());
        Path soon = TestCredentials.write(dir, "soon.json", fields);
        check(config(soon, hub).writeTo(dir.resolve("soon.properties")));
        assertThat(out.toString()).containsPattern("WARN  credentials expiry \\(client secret, expires [0-9-]+\\): "
                + "expires on \\S+, in (9|10) day\\(s\\)").contains("Create a new client secret");

        out.getBuffer().setLength(0);
        fields.put("client_secret_expires", "2026-01-31");
        Path expired = TestCredentials.write(dir, "expired.json", fields);
        assertThat(check(config(expired, hub).writeTo(dir.resolve("expired.properties")))).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  credentials expiry (client secret, expires 2026-01-31): expired on "
                + "2026-01-31T00:00:00Z");
    }

    @Test
    void should_warn_when_more_connections_per_mailbox_are_allowed_than_microsoft_accepts() {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.applicationTokens(tokenServer, "tenant")).start();
        Path credentials = TestCredentials.microsoftFile(dir, tokenServer);
        Path config = config(credentials, hub).set("relay.smtp.pool.max-per-mailbox", 4)
                .writeTo(dir.resolve("relay.properties"));

        check(config);

        assertThat(out.toString())
                .contains("WARN  configuration relay.smtp.pool.max-per-mailbox: 4, but Microsoft 365 allows 3")
                .contains("fix: Set relay.smtp.pool.max-per-mailbox=3 or less");
    }

    @Test
    void should_pass_the_default_connections_per_mailbox_for_microsoft() {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.applicationTokens(tokenServer, "tenant")).start();
        Path config = config(TestCredentials.microsoftFile(dir, tokenServer), hub)
                .writeTo(dir.resolve("relay.properties"));

        check(config);

        assertThat(out.toString())
                .contains("PASS  configuration relay.smtp.pool.max-per-mailbox: 3 (Microsoft 365 allows 3)");
    }

    @Test
    void should_fail_naming_the_key_when_required_configuration_is_missing() {
        Path config = new RelayConfigFile().set("relay.data.dir", dir.resolve("data"))
                .set("relay.spool.dir", dir.resolve("spool")).writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  configuration relay.alias-domain: not set")
                .contains("fix: Add relay.alias-domain=... to the file given with --config")
                .contains("FAIL  configuration relay.credentials: not set");
    }

    @Test
    void should_fail_when_the_spool_directory_cannot_be_created() throws Exception {
        googleHub();
        Path notADirectory = Files.writeString(dir.resolve("spool-is-a-file"), "x");
        Path config = config(googleCredentials("example.com"), hub).set("relay.spool.dir", notADirectory)
                .writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  spool directory (relay.spool.dir): " + notADirectory + " is not writable")
                .contains("fix: Create the directory and give the relay's user write access");
    }

    @Test
    void should_fail_when_the_default_sender_is_outside_the_alias_domain() {
        googleHub();
        Path config = config(googleCredentials("example.com"), hub).set("relay.default-sender", "relay@example.net")
                .writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  configuration senders: relay.default-sender is relay@example.net, which is outside "
                        + "the alias domain example.com")
                .contains("fix: Correct relay.default-sender or the relay.users file");
    }

    @Test
    void should_warn_when_port_465_is_combined_with_starttls() {
        googleHub();
        Path config = config(googleCredentials("example.com"), hub).set("relay.smtp.port", 465)
                .set("relay.smtp.host", "127.0.0.1").writeTo(dir.resolve("relay.properties"));

        check(config);

        assertThat(out.toString())
                .contains("WARN  configuration relay.smtp.port/tls: port 465 with relay.smtp.tls=starttls")
                .contains("fix: Use relay.smtp.tls=implicit for port 465, or port 587 for starttls.");
    }

    @Test
    void should_fail_when_nothing_listens_on_the_hub_port() throws Exception {
        googleHub();
        int closedPort;
        try (java.net.ServerSocket unused = new java.net.ServerSocket(0)) {
            closedPort = unused.getLocalPort();
        }
        Path config = config(googleCredentials("example.com"), hub).set("relay.smtp.port", closedPort)
                .writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString())
                .contains("FAIL  hub TCP localhost:" + closedPort + ": cannot connect")
                .contains("fix: Check relay.smtp.port (587 for starttls, 465 for implicit) and that a firewall lets");
    }

    @Test
    void should_pass_the_hub_checks_over_implicit_tls() {
        hub = XOAuth2SmtpHub.builder().tlsMode(XOAuth2SmtpHub.TlsMode.IMPLICIT_TLS)
                .tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google")).start();
        Path config = config(googleCredentials("example.com"), hub).writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(out.toString())
                .contains("PASS  configuration relay.smtp.*: localhost:" + hub.port() + " (implicit TLS)")
                .doesNotContain("hub STARTTLS")
                .contains("PASS  hub certificate host name: issued for localhost")
                .contains("PASS  XOAUTH2 login relay@example.com");
        assertThat(status).isZero();
    }

    @Test
    void should_warn_when_the_hub_certificate_expires_within_14_days() {
        googleHub();
        Path config = config(googleCredentials("example.com"), hub).writeTo(dir.resolve("relay.properties"));
        Clock tenDaysBeforeExpiry = Clock.fixed(hub.certificate().getNotAfter().toInstant().minus(Duration.ofDays(10)),
                ZoneOffset.UTC);
        CommandLine cli = new CommandLine(new CheckCommand(tenDaysBeforeExpiry));
        cli.setOut(new PrintWriter(out, true));

        cli.execute("--config", config.toString());

        assertThat(out.toString())
                .contains("WARN  hub certificate [0]: subject CN=localhost")
                .contains("(expires in 10 days)")
                .contains("fix: Tell the hub's administrator to renew the certificate before it expires.");
    }

    @Test
    void with_several_accounts_each_file_and_each_account_is_checked_on_its_own() throws Exception {
        IssuedTokens google = IssuedTokens.mailboxTokens(tokenServer, "google");
        IssuedTokens microsoft = IssuedTokens.applicationTokens(tokenServer, "tenant");
        hub = XOAuth2SmtpHub.builder().tokenValidator((mailbox, token) -> mailbox.endsWith("@example.org")
                ? microsoft.test(mailbox, token) : google.test(mailbox, token)).start();
        Path gmail = googleCredentials("example.com");
        Path o365 = TestCredentials.write(dir, "o365.json",
                TestCredentials.microsoftFields(tokenServer.tokenEndpoint("tenant"), "example.org"));
        Path users = Files.writeString(dir.resolve("users.txt"),
                "QSYSOPR = operator@example.com\nPRINTER = scan@example.org\n");
        Path config = config(gmail, hub).set("relay.credentials", gmail + "," + o365).set("relay.users", users)
                .writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(out.toString()).doesNotContain("FAIL")
                .contains("PASS  credentials " + gmail + ": Google Workspace credentials for "
                        + "109876543210987654321, account gmail, domain example.com = relay.alias-domain")
                .contains("PASS  credentials " + o365 + ": Microsoft 365 credentials for "
                        + "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, account o365, domain example.org")
                .contains("PASS  account gmail: token for operator@example.com")
                .contains("PASS  account gmail: token for relay@example.com")
                .contains("account o365: token for the application: expires in")
                .contains("PASS  account gmail: XOAUTH2 login operator@example.com")
                .contains("PASS  account o365: XOAUTH2 login scan@example.org")
                .doesNotContain("account o365: XOAUTH2 login operator@example.com")
                .doesNotContain("account gmail: XOAUTH2 login scan@example.org");
        assertThat(status).as(out.toString()).isIn(0, 2);
        assertThat(hub.authAcceptedCount()).isEqualTo(3);
    }

    @Test
    void with_several_accounts_two_files_for_one_domain_fail_naming_both() {
        googleHub();
        Path gmail = googleCredentials("example.com");
        Path o365 = TestCredentials.write(dir, "o365.json",
                TestCredentials.microsoftFields(tokenServer.tokenEndpoint("tenant"), "example.com"));
        Path config = config(gmail, hub).set("relay.credentials", gmail + "," + o365)
                .writeTo(dir.resolve("relay.properties"));

        int status = check(config);

        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  credentials " + o365 + " \"domain\"")
                .contains("is also served by " + gmail);
        assertThat(hub.authAttemptCount()).as("no login is tried with unusable accounts").isZero();
    }
}
