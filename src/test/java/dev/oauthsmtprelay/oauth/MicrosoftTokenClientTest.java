package dev.oauthsmtprelay.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.fixtures.MutableClock;
import dev.oauthsmtprelay.fixtures.ProviderErrorEndpoint;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;

/** The client credentials grant against a real token server (mock-oauth2-server on 127.0.0.1). */
class MicrosoftTokenClientTest {

    private static TokenServer server;
    private static ProviderErrorEndpoint errors;
    private final MutableClock clock = MutableClock.atNow();

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = new TokenServer();
        errors = new ProviderErrorEndpoint();
    }

    @AfterAll
    static void stopServer() {
        server.close();
        errors.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        while (server.pollRequest() != null) {
            // drain
        }
    }

    private MicrosoftTokenClient client(String endpoint) {
        Path file = TestCredentials.write(dir, "o365.json", TestCredentials.microsoftFields(endpoint, "example.com"));
        MicrosoftApp app = (MicrosoftApp) new CredentialsFileReader().read(file, "example.com").credentials();
        return new MicrosoftTokenClient(app, clock, Duration.ofSeconds(10));
    }

    @Test
    void should_obtain_application_token_with_client_credentials() {
        AccessToken token = client(server.tokenEndpoint("tenant")).requestToken("bob@example.com");

        assertThat(token.value()).isNotBlank();
        assertThat(JwtAccessTokenInfo.of(token)).hasValueSatisfying(
                info -> assertThat(info.subject()).isEqualTo("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"));
        RecordedRequest request = server.takeRequest();
        Map<String, String> form = GoogleTokenClientTest.form(request.getBody().readUtf8());
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_id", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
                .containsEntry("client_secret", TestCredentials.CLIENT_SECRET)
                .containsEntry("scope", "https://outlook.office365.com/.default");
        assertThat(request.getPath()).isEqualTo("/tenant/token");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "invalid_client|AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'.|copy the secret's Value (not its Secret ID)",
        "invalid_client|AADSTS7000222: The provided client secret keys for app 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' are expired. Visit the Azure portal to create new keys for your app.|the client secret has expired. Create a new client secret",
        "unauthorized_client|AADSTS700016: Application with identifier 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' was not found in the directory 'Contoso'.|is not registered in tenant 11111111-2222-3333-4444-555555555555",
        "invalid_request|AADSTS90002: Tenant '11111111-2222-3333-4444-555555555555' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.|Check tenant_id (the Directory (tenant) ID)",
        "invalid_scope|AADSTS1002012: The provided value for scope https://graph.microsoft.com/Mail.Send is not valid.|is not valid for SMTP. Set \"scope\": \"https://outlook.office365.com/.default\"",
    })
    void should_explain_entra_errors(String error, String description, String expected) {
        errors.answerNextWith(400, "{\"error\":\"" + error + "\",\"error_description\":\"" + description
                + "\\r\\nTrace ID: 0a1b\\r\\nTimestamp: 2026-11-27 10:00:00Z\",\"error_codes\":[7000215],"
                + "\"timestamp\":\"2026-11-27 10:00:00Z\",\"trace_id\":\"0a1b\",\"correlation_id\":\"c0ffee\"}");

        assertThatThrownBy(() -> client(errors.url()).requestToken("bob@example.com"))
                .isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.CONFIGURATION))
                .hasMessageContaining(expected)
                .hasMessageContaining("provider said: " + error)
                .hasMessageNotContaining(TestCredentials.CLIENT_SECRET);
    }

    @Test
    void should_explain_unreachable_endpoint_as_transient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> client("http://127.0.0.1:" + closedPort + "/t/oauth2/v2.0/token")
                .requestToken("bob@example.com"))
                .isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.TRANSIENT))
                .hasMessageContaining("refused the connection")
                .hasMessageContaining("port " + closedPort);
    }

    @Test
    void should_explain_a_non_oauth_answer_as_a_wrong_endpoint() {
        errors.answerNextWith(404, "<html>not here</html>");

        assertThatThrownBy(() -> client(errors.url()).requestToken("bob@example.com"))
                .hasMessageContaining("not an OAuth 2.0 token response")
                .hasMessageContaining("token_endpoint");
    }
}
