package dev.oauthsmtprelay.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.oauthsmtprelay.fixtures.MutableClock;
import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.oauth.AccessToken;
import dev.oauthsmtprelay.oauth.MicrosoftTokenClient;
import dev.oauthsmtprelay.oauth.TokenException;

class SandboxTokenServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MutableClock clock = MutableClock.atNow();
    private SandboxTokenServer server;

    @BeforeEach
    void start() {
        server = SandboxTokenServer.builder().clock(clock).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ------------------------------------------------------------------------------------------ grants

    @Test
    void should_issue_an_exchange_token_for_client_credentials_in_the_form_body() throws Exception {
        HttpResponse<String> response = post(server.tokenEndpoint(), form(
                "grant_type", "client_credentials", "client_id", server.clientId(),
                "client_secret", server.clientSecret(), "scope", SandboxTokenServer.SCOPE), null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(
                v -> assertThat(v).contains("no-store"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asInt()).isEqualTo(3599);
        String token = body.get("access_token").asText();

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.verify(new RSASSAVerifier(server.publicKey()))).isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly("https://outlook.office365.com");
        assertThat(claims.getStringListClaim("roles")).containsExactly("SMTP.SendAsApp");
        assertThat(claims.getStringClaim("appid")).isEqualTo(server.clientId());
        assertThat(claims.getStringClaim("tid")).isEqualTo(server.tenantId());
        assertThat(claims.getIssuer()).isEqualTo(server.issuer());
        assertThat(claims.getIssueTime()).isNotNull();
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofSeconds(3599));
        assertThat(token).doesNotContain(server.clientSecret());

        assertThat(server.verify(token)).isTrue();
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(server.issuedCount()).isEqualTo(1);
    }

    @Test
    void should_issue_a_token_for_client_credentials_in_http_basic() throws Exception {
        HttpResponse<String> response = post(server.tokenEndpoint(),
                form("grant_type", "client_credentials", "scope", SandboxTokenServer.SCOPE),
                basic(server.clientId(), server.clientSecret()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.verify(JSON.readTree(response.body()).get("access_token").asText())).isTrue();
    }

    @Test
    void should_refuse_a_wrong_secret_with_401_invalid_client_AADSTS7000215() throws Exception {
        HttpResponse<String> response = post(server.tokenEndpoint(), form(
                "grant_type", "client_credentials", "client_id", server.clientId(),
                "client_secret", "not-the-secret", "scope", SandboxTokenServer.SCOPE), null);

        assertError(response, 401, "invalid_client", 7000215, "Invalid client secret provided.");
        assertThat(response.body()).doesNotContain(server.clientSecret());
        assertThat(server.issuedCount()).isZero();

        HttpResponse<String> viaBasic = post(server.tokenEndpoint(),
                form("grant_type", "client_credentials", "scope", SandboxTokenServer.SCOPE),
                basic(server.clientId(), "wrong"));
        assertError(viaBasic, 401, "invalid_client", 7000215, "Invalid client secret provided.");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void should_issue_graph_tokens_with_graphs_audience_and_the_consented_roles_only() throws Exception {
        HttpResponse<String> response = post(server.tokenEndpoint(), form(
                "grant_type", "client_credentials", "client_id", server.clientId(),
                "client_secret", server.clientSecret(), "scope", SandboxTokenServer.GRAPH_SCOPE), null);

        assertThat(response.statusCode()).isEqualTo(200);
        String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body())
                .path("access_token").asText();
        assertThat(server.problemWith(token, SandboxTokenServer.GRAPH_AUDIENCE, "Mail.Send")).isEmpty();
        assertThat(server.problemWith(token)).get().asString().contains("audience");
        assertThat(server.problemWith(token, SandboxTokenServer.GRAPH_AUDIENCE, "SMTP.SendAsApp")).get().asString()
                .contains("roles are [Mail.Send, Mail.ReadWrite]");
    }

    @Test
    void should_refuse_an_unknown_client_with_400_unauthorized_client_AADSTS700016() throws Exception {
        HttpResponse<String> response = post(server.tokenEndpoint(), form(
                "grant_type", "client_credentials", "client_id", "11111111-2222-3333-4444-555555555555",
                "client_secret", server.clientSecret(), "scope", SandboxTokenServer.SCOPE), null);

        assertError(response, 400, "unauthorized_client", 700016,
                "Application with identifier '11111111-2222-3333-4444-555555555555' was not found");
    }

    @Test
    void should_refuse_another_scope_with_400_invalid_scope_AADSTS1002012() throws Exception {
        for (String scope : new String[] {"https://management.azure.com/.default", "https://mail.google.com/",
                "openid"}) {
            HttpResponse<String> response = post(server.tokenEndpoint(), form(
                    "grant_type", "client_credentials", "client_id", server.clientId(),
                    "client_secret", server.clientSecret(), "scope", scope), null);
            assertError(response, 400, "invalid_scope", 1002012, "The provided value for scope " + scope);
        }
        assertThat(server.issuedCount()).isZero();
    }

    @Test
    void should_answer_other_mistakes_like_entra() throws Exception {
        String good = form("grant_type", "client_credentials", "client_id", server.clientId(),
                "client_secret", server.clientSecret(), "scope", SandboxTokenServer.SCOPE);

        URI otherTenant = URI.create(server.authority() + "/no-such-tenant/oauth2/v2.0/token");
        assertError(post(otherTenant, good, null), 400, "invalid_request", 90002, "Tenant 'no-such-tenant' not found");

        assertError(post(server.tokenEndpoint(), form("grant_type", "password", "client_id", server.clientId(),
                "client_secret", server.clientSecret(), "scope", SandboxTokenServer.SCOPE), null),
                400, "unsupported_grant_type", 70003, "unsupported grant type 'password'");

        assertError(post(server.tokenEndpoint(), form("client_id", server.clientId(),
                "client_secret", server.clientSecret(), "scope", SandboxTokenServer.SCOPE), null),
                400, "invalid_request", 900144, "'grant_type'");

        assertError(post(server.tokenEndpoint(), form("grant_type", "client_credentials",
                "client_id", server.clientId(), "scope", SandboxTokenServer.SCOPE), null),
                401, "invalid_client", 7000218, "'client_secret'");

        assertError(post(server.tokenEndpoint(), form("grant_type", "client_credentials",
                "client_id", server.clientId(), "client_secret", server.clientSecret()), null),
                400, "invalid_request", 900144, "'scope'");

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.tokenEndpoint()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(get, 400, "invalid_request", 900561, "only accepts POST");

        // a JSON body is not a form: grant_type is missing, as Entra says
        HttpResponse<String> json = http.send(HttpRequest.newBuilder(server.tokenEndpoint())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(json, 400, "invalid_request", 900144, "'grant_type'");

        assertThat(server.issuedCount()).isZero();
        assertThat(server.requestCount()).isEqualTo(7);
    }

    @Test
    void should_publish_its_signing_key_as_a_jwk_set() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.jwksUri()).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JWKSet set = JWKSet.parse(response.body());
        RSAKey key = (RSAKey) set.getKeys().get(0);
        assertThat(key.isPrivate()).isFalse();
        assertThat(key.toRSAPublicKey().getModulus()).isEqualTo(server.publicKey().getModulus());

        String token = tokenFromServer();
        assertThat(SignedJWT.parse(token).getHeader().getKeyID()).isEqualTo(key.getKeyID());
        assertThat(SignedJWT.parse(token).verify(new RSASSAVerifier(key))).isTrue();
    }

    // ------------------------------------------------------------------------------------------ verify

    @Test
    void should_not_verify_a_tampered_token() throws Exception {
        String token = tokenFromServer();
        String[] parts = token.split("\\.");
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        ((com.fasterxml.jackson.databind.node.ObjectNode) claims).put("appid", "someone-else");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(JSON.writeValueAsBytes(claims)) + "." + parts[2];

        assertThat(server.verify(token)).isTrue();
        assertThat(server.verify(forged)).isFalse();
        assertThat(server.problemWith(forged)).hasValueSatisfying(p -> assertThat(p).startsWith("bad signature"));
        assertThat(server.verify(token.substring(0, token.length() - 4) + "AAAA")).isFalse();
        assertThat(server.verify(parts[0] + "." + parts[1] + ".")).isFalse(); // signature stripped
        assertThat(server.verify("not-a-jwt")).isFalse();
        assertThat(server.verify("")).isFalse();
        assertThat(server.verify(null)).isFalse();
    }

    @Test
    void should_not_verify_an_expired_token() throws Exception {
        String token = tokenFromServer();

        clock.advance(Duration.ofSeconds(3598));
        assertThat(server.verify(token)).isTrue();
        clock.advance(Duration.ofSeconds(2));
        assertThat(server.verify(token)).isFalse();
        assertThat(server.problemWith(token)).hasValueSatisfying(p -> assertThat(p).startsWith("expired at"));
    }

    @Test
    void should_not_verify_a_token_of_another_token_server() throws Exception {
        try (SandboxTokenServer other = SandboxTokenServer.start()) {
            HttpResponse<String> response = post(other.tokenEndpoint(), form(
                    "grant_type", "client_credentials", "client_id", other.clientId(),
                    "client_secret", other.clientSecret(), "scope", SandboxTokenServer.SCOPE), null);
            String foreign = JSON.readTree(response.body()).get("access_token").asText();

            assertThat(other.verify(foreign)).isTrue();
            assertThat(server.verify(foreign)).isFalse();
            assertThat(other.clientSecret()).isNotEqualTo(server.clientSecret());
        }
    }

    // ------------------------------------------------------------------------------------------ with the relay

    @Test
    void should_give_the_relays_microsoft_token_client_a_token() {
        MicrosoftApp app = new MicrosoftApp(null, server.tenantId(), server.clientId(), server.clientSecret(),
                SandboxTokenServer.SCOPE, server.tokenEndpoint(), DemoSandbox.DOMAIN);

        AccessToken token = new MicrosoftTokenClient(app, Clock.systemUTC(), Duration.ofSeconds(5))
                .requestToken("QSYSOPR@demo.example");

        assertThat(server.verify(token.value())).isTrue();
    }

    @Test
    void should_make_the_relays_microsoft_token_client_explain_a_wrong_secret() {
        MicrosoftApp app = new MicrosoftApp(null, server.tenantId(), server.clientId(), "wrong",
                SandboxTokenServer.SCOPE, server.tokenEndpoint(), DemoSandbox.DOMAIN);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MicrosoftTokenClient(app, Clock.systemUTC(),
                        Duration.ofSeconds(5)).requestToken("QSYSOPR@demo.example"))
                .isInstanceOf(TokenException.class)
                .hasMessageContaining("client secret is wrong");
    }

    // ------------------------------------------------------------------------------------------ helpers

    private String tokenFromServer() throws Exception {
        HttpResponse<String> response = post(server.tokenEndpoint(), form(
                "grant_type", "client_credentials", "client_id", server.clientId(),
                "client_secret", server.clientSecret(), "scope", SandboxTokenServer.SCOPE), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    private static void assertError(HttpResponse<String> response, int status, String error, int aadsts,
                                     String descriptionPart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).startsWith("AADSTS" + aadsts + ": ")
                .contains(descriptionPart).contains("Trace ID: ").contains("Correlation ID: ");
        assertThat(body.get("error_codes")).hasSize(1);
        assertThat(body.get("error_codes").get(0).asInt()).isEqualTo(aadsts);
        assertThat(body.has("access_token")).isFalse();
    }

    private HttpResponse<String> post(URI uri, String form, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(String... nameValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.put(nameValues[i], nameValues[i + 1]);
        }
        return map.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
