package dev.oauthsmtprelay.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.credentials.GoogleServiceAccount;
import dev.oauthsmtprelay.fixtures.MutableClock;
import dev.oauthsmtprelay.fixtures.ProviderErrorEndpoint;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;

/** The JWT bearer grant against a real token server (mock-oauth2-server on 127.0.0.1). */
class GoogleTokenClientTest {

    private static TokenServer server;
    private static ProviderErrorEndpoint errors;
    private final MutableClock clock = MutableClock.atNow();
    private GoogleTokenClient client;
    private String tokenUri;

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
    void credentials() {
        while (server.pollRequest() != null) {
            // forget requests of earlier tests
        }
        tokenUri = server.tokenEndpoint("google");
        client = client(tokenUri);
    }

    private GoogleTokenClient client(String tokenUri) {
        Path file = TestCredentials.write(dir, "gmail.json", TestCredentials.googleFields(tokenUri, "example.com"));
        GoogleServiceAccount account = (GoogleServiceAccount) new CredentialsFileReader()
                .read(file, "example.com").credentials();
        return new GoogleTokenClient(account, clock, Duration.ofSeconds(5));
    }

    private AccessToken requestAgainstErrorEndpoint(String mailbox) {
        return client(errors.url()).requestToken(mailbox);
    }

    @Test
    void should_obtain_token_for_the_sender_mailbox() throws Exception {
        AccessToken token = client.requestToken("alice@example.com");

        assertThat(token.value()).isNotBlank();
        assertThat(token.expiresAt()).isAfter(clock.instant());
        JWTClaimsSet issued = SignedJWT.parse(token.value()).getJWTClaimsSet();
        assertThat(issued.getSubject()).isEqualTo("alice@example.com");
    }

    @Test
    void should_send_an_rs256_assertion_signed_with_the_service_account_key() throws Exception {
        client.requestToken("alice@example.com");

        RecordedRequest request = server.takeRequest();
        Map<String, String> form = form(request.getBody().readUtf8());
        assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        SignedJWT assertion = SignedJWT.parse(form.get("assertion"));
        assertThat(assertion.verify(new RSASSAVerifier(TestCredentials.publicKey()))).isTrue();
        assertThat(assertion.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(assertion.getHeader().getKeyID()).isEqualTo("kid-0123456789abcdef");
        JWTClaimsSet claims = assertion.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("relay@relay-test.iam.gserviceaccount.com");
        assertThat(claims.getSubject()).isEqualTo("alice@example.com");
        assertThat(claims.getAudience()).containsExactly(tokenUri);
        assertThat(claims.getStringClaim("scope")).isEqualTo("https://mail.google.com/");
        Instant iat = claims.getIssueTime().toInstant();
        Instant exp = claims.getExpirationTime().toInstant();
        assertThat(iat.getEpochSecond()).isEqualTo(clock.instant().getEpochSecond());
        assertThat(Duration.between(iat, exp)).isLessThanOrEqualTo(Duration.ofHours(1)).isPositive();
    }

    @Test
    void should_explain_unauthorized_client_as_missing_domain_wide_delegation() {
        errors.answerNextWith(401, "{\"error\":\"unauthorized_client\",\"error_description\":\"Client is unauthorized "
                + "to retrieve access tokens using this method, or client not authorized for any of the scopes requested.\"}");

        assertThatThrownBy(() -> requestAgainstErrorEndpoint("alice@example.com"))
                .isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.CONFIGURATION))
                .hasMessageContaining("domain-wide delegation is not granted to client ID 109876543210987654321")
                .hasMessageContaining("Security → Access and data control → API controls")
                .hasMessageContaining("https://mail.google.com/");
    }

    @Test
    void should_explain_invalid_grant_for_a_sender_that_is_not_a_workspace_user() {
        errors.answerNextWith(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid email or User ID\"}");

        assertThatThrownBy(() -> requestAgainstErrorEndpoint("printer@example.com"))
                .isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.MAILBOX))
                .hasMessageContaining("printer@example.com: it is not a user of the Workspace domain")
                .hasMessageContaining("relay.users");
    }

    @Test
    void should_explain_invalid_grant_for_a_bad_signature() {
        errors.answerNextWith(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");

        assertThatThrownBy(() -> requestAgainstErrorEndpoint("alice@example.com"))
                .hasMessageContaining("rejected the signature")
                .hasMessageContaining("key kid-0123456789abcdef")
                .hasMessageContaining("Create a new JSON key");
    }

    @Test
    void should_explain_invalid_grant_for_clock_skew() {
        errors.answerNextWith(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT: Token must be a "
                + "short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the "
                + "JWT claim.\"}");

        assertThatThrownBy(() -> requestAgainstErrorEndpoint("alice@example.com"))
                .hasMessageContaining("clock is probably wrong").hasMessageContaining("NTP");
    }

    @Test
    void should_show_an_unknown_error_as_the_provider_gave_it() {
        errors.answerNextWith(400, "{\"error\":\"weird_error\",\"error_description\":\"Something new\"}");

        assertThatThrownBy(() -> requestAgainstErrorEndpoint("alice@example.com"))
                .hasMessageContaining("provider said: weird_error — Something new");
    }

    @Test
    void should_treat_server_errors_and_429_as_transient_and_read_retry_after() {
        errors.answerNextWith(503, "{}", "Retry-After", "120");

        assertThatThrownBy(() -> requestAgainstErrorEndpoint("alice@example.com"))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TokenException.Kind.TRANSIENT);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
                })
                .hasMessageContaining("HTTP 503");
    }

    static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                p -> URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8)));
    }
}
