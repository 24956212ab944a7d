package dev.oauthsmtprelay.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.credentials.InvalidCredentialsException;
import dev.oauthsmtprelay.credentials.MicrosoftApp;

/**
 * Certificate credentials (a client assertion signed by the app's key, RFC 7523) and federated credentials (an
 * assertion file another issuer renews), against a token endpoint that records each request. mock-oauth2-server
 * does not check client assertions, so this test verifies signature, audience, issuer, subject, lifetime and the
 * x5t#S256 thumbprint itself.
 */
class MicrosoftCertificateAndFederatedTest {

    private static final String CLIENT_ID = "11111111-2222-3333-4444-555555555555";

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private String endpoint;

    @BeforeEach
    void startTokenEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/tenant/oauth2/v2.0/token", exchange -> {
            Map<String, String> form = new LinkedHashMap<>();
            for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int eq = pair.indexOf('=');
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            requests.add(form);
            byte[] body = ("{\"access_token\":\"token-" + requests.size() + "\",\"token_type\":\"Bearer\","
                    + "\"expires_in\":3600}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/tenant/oauth2/v2.0/token";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void a_certificate_signs_a_client_assertion_that_entra_would_accept() throws Exception {
        Certificate pem = certificate("app");
        MicrosoftApp app = app("\"client_certificate\": \"app.crt\", \"private_key\": \"app.key\"");

        new MicrosoftTokenClient(app, Clock.systemUTC(), Duration.ofSeconds(5)).requestToken("sender@example.com");

        Map<String, String> form = requests.get(0);
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .containsEntry("scope", "https://outlook.office365.com/.default").doesNotContainKey("client_secret");
        SignedJWT assertion = SignedJWT.parse(form.get("client_assertion"));
        assertThat(assertion.verify(new RSASSAVerifier((RSAPublicKey) pem.certificate().getPublicKey()))).isTrue();
        assertThat(assertion.getHeader().getX509CertSHA256Thumbprint()).isEqualTo(Base64URL.encode(
                MessageDigest.getInstance("SHA-256").digest(pem.certificate().getEncoded())));
        JWTClaimsSet claims = assertion.getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly(endpoint);
        assertThat(claims.getIssuer()).isEqualTo(CLIENT_ID);
        assertThat(claims.getSubject()).isEqualTo(CLIENT_ID);
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10));
        assertThat(claims.getExpirationTime().toInstant()).isAfter(Instant.now());
        assertThat(app.clientAuth().expiresAt()).contains(pem.certificate().getNotAfter().toInstant());
        assertThat(app.toString()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void a_federated_assertion_file_is_read_again_for_every_token_request() throws Exception {
        Path file = Files.writeString(dir.resolve("azure-identity-token"), "eyJ.first.assertion\n");
        MicrosoftApp app = app("\"client_assertion_file\": \"azure-identity-token\"");
        MicrosoftTokenClient client = new MicrosoftTokenClient(app, Clock.systemUTC(), Duration.ofSeconds(5));

        client.requestToken("a@example.com");
        Files.writeString(file, "eyJ.second.assertion");
        client.requestToken("a@example.com");

        assertThat(requests).extracting(r -> r.get("client_assertion"))
                .containsExactly("eyJ.first.assertion", "eyJ.second.assertion");
        assertThat(requests.get(1)).containsEntry("client_id", CLIENT_ID)
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    }

    @Test
    void each_wrong_combination_of_fields_says_which_one_to_give() throws Exception {
        certificate("app");
        certificate("other");
        assertThatThrownBy(() -> app("\"client_secret\": \"s\", \"client_certificate\": \"app.crt\", "
                + "\"private_key\": \"app.key\"")).isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("only one may be given").hasMessageContaining("client_assertion_file");
        assertThatThrownBy(() -> app("\"scope\": \"https://outlook.office365.com/.default\""))
                .isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("missing or empty")
                .hasMessageContaining("client_assertion_file");
        assertThatThrownBy(() -> app("\"client_certificate\": \"app.crt\", \"private_key\": \"other.key\""))
                .isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("does not belong to");
        assertThatThrownBy(() -> app("\"client_secret\": \"s\", \"client_secret_expires\": \"next spring\""))
                .isInstanceOf(InvalidCredentialsException.class).hasMessageContaining("YYYY-MM-DD")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\"s\""));
    }

    private MicrosoftApp app(String authFields) throws IOException {
        Path file = dir.resolve("o365.json");
        Files.writeString(file, "{\"type\": \"microsoft_app\", \"tenant_id\": \"tenant\", \"client_id\": \"" + CLIENT_ID
                + "\", \"scope\": \"https://outlook.office365.com/.default\", \"token_endpoint\": \"" + endpoint
                + "\", \"domain\": \"example.com\", " + authFields.replace("\"scope\": \"https://outlook.office365.com/.default\"", "\"x\": \"\"") + "}");
        return (MicrosoftApp) new CredentialsFileReader().read(file, "example.com").credentials();
    }

    record Certificate(X509Certificate certificate, Path crt, Path key) {
    }

    /** An RSA key pair and self-signed certificate made with keytool, as PEM files NAME.crt and NAME.key. */
    private Certificate certificate(String name) throws Exception {
        Path p12 = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "365",
                "-dname", "CN=oauth-smtp-relay " + name, "-keystore", p12.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit", "-noprompt").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            store.load(in, "changeit".toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate(name);
        PrivateKey key = (PrivateKey) store.getKey(name, "changeit".toCharArray());
        Path crt = Files.writeString(dir.resolve(name + ".crt"), pem("CERTIFICATE", certificate.getEncoded()));
        Path keyFile = Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", key.getEncoded()));
        return new Certificate(certificate, crt, keyFile);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
