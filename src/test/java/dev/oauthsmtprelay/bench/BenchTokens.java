package dev.oauthsmtprelay.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiPredicate;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.credentials.GoogleServiceAccount;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.oauth.GoogleTokenClient;
import dev.oauthsmtprelay.sandbox.SandboxTokenServer;

/**
 * The bench's token server, per provider: Microsoft (one application token serves every mailbox) or Google
 * (one token per mailbox, JWT bearer with the mailbox as subject). Counts the token requests it answers.
 */
interface BenchTokens extends AutoCloseable {

    /** BENCH_PROVIDER=microsoft (default) or google. */
    static BenchTokens start(String provider, String domain) {
        return switch (provider) {
            case "microsoft" -> new Microsoft(domain);
            case "google" -> new Google(domain);
            default -> throw new IllegalArgumentException("BENCH_PROVIDER is microsoft or google, not " + provider);
        };
    }

    /** What the hub asks before accepting an XOAUTH2 login. */
    BiPredicate<String, String> validator();

    /** Writes the relay's credentials file into {@code dir}. */
    Path writeCredentials(Path dir) throws Exception;

    /** A token for {@code mailbox}, fetched the way a plain client would (for the ceiling). */
    String token(String mailbox) throws Exception;

    int requestCount();

    @Override
    void close();

    final class Microsoft implements BenchTokens {
        private final SandboxTokenServer server = SandboxTokenServer.start();
        private final String domain;

        Microsoft(String domain) {
            this.domain = domain;
        }

        @Override
        public BiPredicate<String, String> validator() {
            return (mailbox, token) -> mailbox.endsWith("@" + domain) && server.problemWith(token).isEmpty();
        }

        @Override
        public Path writeCredentials(Path dir) throws Exception {
            Path file = dir.resolve("credentials.json");
            Files.writeString(file, "{\"type\":\"microsoft_app\",\"tenant_id\":\"" + server.tenantId()
                    + "\",\"client_id\":\"" + server.clientId() + "\",\"client_secret\":\"" + server.clientSecret()
                    + "\",\"scope\":\"" + SandboxTokenServer.SCOPE + "\",\"token_endpoint\":\"" + server.tokenEndpoint()
                    + "\",\"domain\":\"" + domain + "\"}\n");
            return file;
        }

        @Override
        public String token(String mailbox) throws Exception {
            String form = "grant_type=client_credentials&client_id=" + enc(server.clientId()) + "&client_secret="
                    + enc(server.clientSecret()) + "&scope=" + enc(SandboxTokenServer.SCOPE);
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.tokenEndpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(response.body()).get("access_token").asText();
        }

        @Override
        public int requestCount() {
            return server.requestCount();
        }

        @Override
        public void close() {
            server.close();
        }

        private static String enc(String value) {
            return URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
    }

    /** mock-oauth2-server's "google" issuer: the token's subject is the mailbox named in the assertion. */
    final class Google implements BenchTokens {
        private static final String ISSUER = "google";
        private final TokenServer server = new TokenServer();
        private final String domain;
        private final IssuedTokens issued;
        private int requests;

        Google(String domain) {
            this.domain = domain;
            this.issued = IssuedTokens.mailboxTokens(server, ISSUER);
            drainRequests(); // the JWKS read above
            requests = 0;
        }

        @Override
        public BiPredicate<String, String> validator() {
            return (mailbox, token) -> mailbox.endsWith("@" + domain) && issued.test(mailbox, token);
        }

        @Override
        public Path writeCredentials(Path dir) {
            return TestCredentials.write(dir, "credentials.json",
                    TestCredentials.googleFields(server.tokenEndpoint(ISSUER), domain));
        }

        @Override
        public String token(String mailbox) throws Exception {
            Path dir = Files.createTempDirectory("bench-google-");
            GoogleServiceAccount account = (GoogleServiceAccount) new CredentialsFileReader()
                    .read(writeCredentials(dir), domain).credentials();
            return new GoogleTokenClient(account, Clock.systemUTC(), Duration.ofSeconds(10)).requestToken(mailbox).value();
        }

        /** Token requests (POSTs to the token endpoint) since the server started. */
        @Override
        public synchronized int requestCount() {
            drainRequests();
            return requests;
        }

        private synchronized void drainRequests() {
            for (var request = server.pollRequest(); request != null; request = server.pollRequest()) {
                if (request.getPath() != null && URI.create(request.getPath()).getPath().endsWith("/token")) {
                    requests++;
                }
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
