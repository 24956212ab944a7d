package dev.oauthsmtprelay.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.TestCredentials;

class CredentialsFileReaderTest {

    private static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

    @TempDir
    Path dir;

    private final CredentialsFileReader reader = new CredentialsFileReader();

    @Test
    void should_read_google_key_file_as_downloaded_plus_domain() {
        Path file = TestCredentials.write(dir, "gmail.json", TestCredentials.googleFields(GOOGLE_TOKEN_URI, "example.com"));

        CredentialsCheck check = reader.read(file, "example.com");

        GoogleServiceAccount account = (GoogleServiceAccount) check.credentials();
        assertThat(account.clientEmail()).isEqualTo("relay@relay-test.iam.gserviceaccount.com");
        assertThat(account.privateKeyId()).isEqualTo("kid-0123456789abcdef");
        assertThat(account.privateKey().getModulus()).isEqualTo(TestCredentials.publicKey().getModulus());
        assertThat(account.tokenEndpoint()).isEqualTo(URI.create(GOOGLE_TOKEN_URI));
        assertThat(account.domain()).isEqualTo("example.com");
        assertThat(check.warnings()).isEmpty();
        assertThat(account.toString()).doesNotContain(TestCredentials.privateKeyBase64().substring(0, 40));
    }

    @Test
    void should_send_google_requests_to_token_endpoint_override_but_keep_token_uri_as_audience() {
        Map<String, Object> fields = TestCredentials.googleFields(GOOGLE_TOKEN_URI, "example.com");
        fields.put("token_endpoint", "https://proxy.internal.example/google/token");

        GoogleServiceAccount account = (GoogleServiceAccount) reader.read(
                TestCredentials.write(dir, "gmail.json", fields), "example.com").credentials();

        assertThat(account.tokenEndpoint()).hasToString("https://proxy.internal.example/google/token");
        assertThat(account.tokenUri()).hasToString(GOOGLE_TOKEN_URI);
    }

    @Test
    void should_default_microsoft_endpoint_to_the_tenant_on_login_microsoftonline_com() {
        Path file = TestCredentials.write(dir, "o365.json", TestCredentials.microsoftFields(null, "example.com"));

        MicrosoftApp app = (MicrosoftApp) reader.read(file, "example.com").credentials();

        assertThat(app.tokenEndpoint()).hasToString(
                "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token");
        assertThat(app.toString()).doesNotContain(TestCredentials.CLIENT_SECRET);
    }

    @Test
    void should_use_microsoft_token_endpoint_override() {
        Path file = TestCredentials.write(dir, "o365.json",
                TestCredentials.microsoftFields("https://login.microsoftonline.us/t/oauth2/v2.0/token", "example.com"));

        assertThat(reader.read(file, "example.com").credentials().tokenEndpoint())
                .hasToString("https://login.microsoftonline.us/t/oauth2/v2.0/token");
    }

    @Test
    void should_send_over_smtp_unless_the_file_selects_graph_which_brings_its_scope_and_endpoint() {
        MicrosoftApp smtp = (MicrosoftApp) reader.read(TestCredentials.write(dir, "o365.json",
                TestCredentials.microsoftFields(null, "example.com")), "example.com").credentials();
        assertThat(smtp.transport()).isEqualTo(MicrosoftApp.Transport.SMTP);

        Map<String, Object> fields = TestCredentials.microsoftFields(null, "example.com");
        fields.remove("scope");
        fields.put("transport", "Graph");
        MicrosoftApp graph = (MicrosoftApp) reader.read(TestCredentials.write(dir, "graph.json", fields),
                "example.com").credentials();
        assertThat(graph.transport()).isEqualTo(MicrosoftApp.Transport.GRAPH);
        assertThat(graph.scope()).isEqualTo("https://graph.microsoft.com/.default");
        assertThat(graph.graphEndpoint()).hasToString("https://graph.microsoft.com/v1.0");

        fields.put("graph_endpoint", "https://graph.microsoft.us/v1.0");
        assertThat(((MicrosoftApp) reader.read(TestCredentials.write(dir, "graph.json", fields), "example.com")
                .credentials()).graphEndpoint()).hasToString("https://graph.microsoft.us/v1.0");
    }

    @Test
    void should_read_the_graph_sample_file_the_guide_points_to() throws IOException {
        Path sample = dir.resolve("graph.json");
        Files.copy(Path.of("config/microsoft-graph-credentials.sample.json"), sample);
        Files.setPosixFilePermissions(sample, PosixFilePermissions.fromString("rw-------"));

        MicrosoftApp app = (MicrosoftApp) reader.read(sample, "example.com").credentials();

        assertThat(app.transport()).isEqualTo(MicrosoftApp.Transport.GRAPH);
        assertThat(app.scope()).isEqualTo(MicrosoftApp.GRAPH_SCOPE);
    }

    @Test
    void should_refuse_an_unknown_transport_and_an_smtp_scope_with_graph() {
        Map<String, Object> fields = TestCredentials.microsoftFields(null, "example.com");
        fields.put("transport", "ews");
        assertThatThrownBy(() -> reader.read(TestCredentials.write(dir, "a.json", fields), "example.com"))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("\"transport\"").hasMessageContaining("\"graph\"");

        fields.put("transport", "graph"); // the scope stays https://outlook.office365.com/.default
        assertThatThrownBy(() -> reader.read(TestCredentials.write(dir, "a.json", fields), "example.com"))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("https://graph.microsoft.com/.default");
    }

    @Test
    void should_point_at_transport_graph_when_an_smtp_file_asks_for_the_graph_scope() {
        Map<String, Object> fields = TestCredentials.microsoftFields(null, "example.com");
        fields.put("scope", "https://graph.microsoft.com/.default");
        CredentialsCheck check = reader.read(TestCredentials.write(dir, "a.json", fields), "example.com");
        assertThat(check.warnings()).anySatisfy(w -> assertThat(w.message()).contains("\"transport\": \"graph\""));
    }

    @Test
    void should_refuse_missing_domain_naming_file_field_and_fix() {
        Map<String, Object> fields = TestCredentials.microsoftFields(null, "example.com");
        fields.remove("domain");
        Path file = TestCredentials.write(dir, "o365.json", fields);

        assertThatThrownBy(() -> reader.read(file, "example.com"))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("\"domain\": missing")
                .hasMessageContaining("Add \"domain\": \"example.com\"");
    }

    @Test
    void should_refuse_domain_that_differs_from_alias_domain() {
        Path file = TestCredentials.write(dir, "gmail.json", TestCredentials.googleFields(GOOGLE_TOKEN_URI, "other.org"));

        assertThatThrownBy(() -> reader.read(file, "example.com"))
                .hasMessageContaining("\"domain\": is \"other.org\" but relay.alias-domain is \"example.com\"")
                .hasMessageContaining("must be equal");
    }

    @Test
    void should_compare_domain_case_insensitively() {
        Path file = TestCredentials.write(dir, "gmail.json", TestCredentials.googleFields(GOOGLE_TOKEN_URI, "Example.COM"));

        assertThat(reader.read(file, "example.com").credentials().domain()).isEqualTo("example.com");
    }

    @Test
    void should_refuse_unknown_type() {
        Map<String, Object> fields = TestCredentials.microsoftFields(null, "example.com");
        fields.put("type", "authorized_user");

        assertThatThrownBy(() -> reader.read(TestCredentials.write(dir, "c.json", fields), "example.com"))
                .hasMessageContaining("\"type\": unknown type \"authorized_user\"")
                .hasMessageContaining("\"service_account\"").hasMessageContaining("\"microsoft_app\"");
    }

    @Test
    void should_list_every_missing_microsoft_field() {
        Map<String, Object> fields = TestCredentials.microsoftFields(null, "example.com");
        fields.remove("client_secret");
        fields.remove("tenant_id");

        assertThatThrownBy(() -> reader.read(TestCredentials.write(dir, "c.json", fields), "example.com"))
                .hasMessageContaining("\"client_secret\": missing or empty")
                .hasMessageContaining("its Value (not its Secret ID)")
                .hasMessageContaining("\"tenant_id\": missing or empty");
    }

    @Test
    void should_refuse_a_field_of_the_wrong_json_type() {
        Map<String, Object> fields = TestCredentials.microsoftFields(null, "example.com");
        fields.put("client_id", 12345);

        assertThatThrownBy(() -> reader.read(TestCredentials.write(dir, "c.json", fields), "example.com"))
                .hasMessageContaining("\"client_id\": must be a JSON string");
    }

    @Test
    void should_refuse_private_key_that_does_not_parse_without_echoing_it() {
        Map<String, Object> fields = TestCredentials.googleFields(GOOGLE_TOKEN_URI, "example.com");
        fields.put("private_key", "-----BEGIN PRIVATE KEY-----\nTUlJRXZnSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NCS2d3Z2dTa0FnRUFBb0lCQVFD\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> reader.read(TestCredentials.write(dir, "g.json", fields), "example.com"))
                .hasMessageContaining("\"private_key\": does not parse: it is not an RSA private key")
                .hasMessageContaining("Create a new JSON key")
                .hasMessageNotContaining("TUlJRXZnSUJBREFO");
    }

    @Test
    void should_refuse_file_that_is_not_json_with_line_and_column() throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\n  \"type\": \"microsoft_app\"\n  \"domain\": \"example.com\"\n}");

        assertThatThrownBy(() -> reader.read(file, "example.com"))
                .hasMessageContaining("not valid JSON (line 3");
    }

    @Test
    void should_warn_when_microsoft_scope_is_not_the_smtp_scope() {
        Map<String, Object> fields = TestCredentials.microsoftFields(null, "example.com");
        fields.put("scope", "https://graph.microsoft.com/.default");

        CredentialsCheck check = reader.read(TestCredentials.write(dir, "c.json", fields), "example.com");

        assertThat(check.warnings()).singleElement().satisfies(w -> {
            assertThat(w.field()).isEqualTo("scope");
            assertThat(w.message()).contains("not an Exchange Online SMTP scope")
                    .contains("https://outlook.office365.com/.default");
        });
    }

    @Test
    void should_warn_when_credentials_file_is_readable_by_others() throws IOException {
        Path file = TestCredentials.write(dir, "c.json", TestCredentials.microsoftFields(null, "example.com"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        CredentialsCheck check = reader.read(file, "example.com");

        assertThat(check.warnings()).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("readable by group or others").contains("chmod 600"));
    }

    @Test
    void should_refuse_a_credentials_file_readable_by_group_when_permissions_are_strict() throws IOException {
        Path file = TestCredentials.write(dir, "c.json", TestCredentials.microsoftFields(null, "example.com"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        InvalidCredentialsException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                InvalidCredentialsException.class, () -> new CredentialsFileReader(true).read(file, "example.com"));

        assertThat(refused).isNotNull();
        assertThat(refused.getMessage()).contains("readable by group or others").contains("chmod 600")
                .contains("relay.credentials.strict-permissions=true").doesNotContain(TestCredentials.CLIENT_SECRET);
    }

    @Test
    void should_accept_an_owner_only_credentials_file_when_permissions_are_strict() throws IOException {
        Path file = TestCredentials.write(dir, "c.json", TestCredentials.microsoftFields(null, "example.com"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThat(new CredentialsFileReader(true).read(file, "example.com").warnings()).isEmpty();
    }
}
