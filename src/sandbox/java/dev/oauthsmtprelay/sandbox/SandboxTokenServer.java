package dev.oauthsmtprelay.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small but genuine OAuth 2.0 token endpoint that answers like Microsoft Entra ID, for the {@code demo} sandbox and
 * for tests. It listens on 127.0.0.1 (a free port), holds one registered application (tenant, client id and a client
 * secret that is random per start) and grants the client credentials grant for {@value #SCOPE}, returning an
 * RS256-signed JWT access token like Exchange Online's ({@code aud} {@value #AUDIENCE}, {@code roles}
 * [{@value #ROLE}], {@code appid}, {@code tid}, ...), and for Microsoft Graph's {@value #GRAPH_SCOPE}
 * ({@code aud} {@value #GRAPH_AUDIENCE}, {@code roles} as consented: {@link Builder#graphRoles}, default
 * {@code Mail.Send} and {@code Mail.ReadWrite}).
 *
 * <ul>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/token}: client credentials in the form body ({@code client_secret_post})
 *       or as HTTP Basic ({@code client_secret_basic}); errors in Entra's JSON shape with its AADSTS codes
 *       (wrong secret 401 {@code invalid_client} AADSTS7000215, unknown client 400 {@code unauthorized_client}
 *       AADSTS700016, wrong scope 400 {@code invalid_scope} AADSTS1002012, unknown tenant 400 AADSTS90002, ...).</li>
 *   <li>{@code GET /{tenant}/discovery/v2.0/keys}: the public signing key as a JWK set.</li>
 * </ul>
 *
 * <p>{@link #verify(String)} is what a resource server (the sandbox SMTP hub) uses to accept a token: signature,
 * expiry, audience, issuer, tenant and role are checked. Secrets and tokens are never logged.
 */
public final class SandboxTokenServer implements AutoCloseable {

    /** The only scope granted: Exchange Online's application scope for SMTP. */
    public static final String SCOPE = "https://outlook.office365.com/.default";
    /** Audience of every issued token. */
    public static final String AUDIENCE = "https://outlook.office365.com";
    /** The application role every issued token carries (what Exchange checks for app-only SMTP). */
    public static final String ROLE = "SMTP.SendAsApp";
    /** Microsoft Graph's application scope (the Graph transport). */
    public static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";
    /** Audience of tokens for {@link #GRAPH_SCOPE}. */
    public static final String GRAPH_AUDIENCE = "https://graph.microsoft.com";
    /** {@code expires_in} of every token response, as Entra answers. */
    public static final int EXPIRES_IN_SECONDS = 3599;

    static final String TOKEN_PATH = "/oauth2/v2.0/token";
    static final String KEYS_PATH = "/discovery/v2.0/keys";
    private static final String CLIENT_CREDENTIALS = "client_credentials";
    private static final int MAX_BODY = 64 * 1024;
    private static final DateTimeFormatter ENTRA_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final Logger LOG = LoggerFactory.getLogger(SandboxTokenServer.class);

    private final String tenantId;
    private final String clientId;
    private final String clientSecret;
    private final String servicePrincipalId = UUID.randomUUID().toString();
    private final Clock clock;
    private final List<String> graphRoles;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();

    private RSAKey signingKey;
    private RSASSASigner signer;
    private RSASSAVerifier verifier;
    private HttpServer server;
    private ExecutorService executor;
    private volatile boolean running;

    private SandboxTokenServer(Builder b) {
        this.tenantId = b.tenantId != null ? b.tenantId : UUID.randomUUID().toString();
        this.clientId = b.clientId != null ? b.clientId : UUID.randomUUID().toString();
        this.clientSecret = b.clientSecret != null ? b.clientSecret : randomSecret();
        this.clock = b.clock;
        this.graphRoles = List.copyOf(b.graphRoles);
    }

    /** Starts a token server with a random tenant, client id and client secret. */
    public static SandboxTokenServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    // =====================================================================================================
    // lifecycle

    private synchronized SandboxTokenServer startServer() {
        try {
            signingKey = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true).generate();
            signer = new RSASSASigner(signingKey);
            verifier = new RSASSAVerifier(signingKey.toRSAPublicKey());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the sandbox token server's RSA key", e);
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind the sandbox token server on 127.0.0.1", e);
        }
        AtomicInteger threadIds = new AtomicInteger();
        int port = server.getAddress().getPort();
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "sandbox-token-server-" + port + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        running = true;
        LOG.debug("Sandbox token server listening on {} for tenant {}, application {}", tokenEndpoint(), tenantId,
                clientId);
        return this;
    }

    /** Stops listening and ends the worker threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return running;
    }

    // =====================================================================================================
    // what a client needs

    public int port() {
        if (server == null) {
            throw new IllegalStateException("token server not started");
        }
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}: the authority, like {@code https://login.microsoftonline.com}. */
    public URI authority() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** {@code http://127.0.0.1:<port>/<tenant>/oauth2/v2.0/token}: {@code token_endpoint} in a credentials file. */
    public URI tokenEndpoint() {
        return URI.create(authority() + "/" + tenantId + TOKEN_PATH);
    }

    /** {@code http://127.0.0.1:<port>/<tenant>/discovery/v2.0/keys}: the JWK set with the signing key. */
    public URI jwksUri() {
        return URI.create(authority() + "/" + tenantId + KEYS_PATH);
    }

    /** The {@code iss} of every token: {@code http://127.0.0.1:<port>/<tenant>/}. */
    public String issuer() {
        return authority() + "/" + tenantId + "/";
    }

    public String tenantId() {
        return tenantId;
    }

    public String clientId() {
        return clientId;
    }

    /** Random per start unless set on the builder. */
    public String clientSecret() {
        return clientSecret;
    }

    public RSAPublicKey publicKey() {
        try {
            return key().toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public signing key as a JWK set (what {@link #jwksUri()} serves). */
    public JWKSet publicJwkSet() {
        return new JWKSet(key().toPublicJWK());
    }

    /** Requests to the token endpoint so far, answered with a token or an error. */
    public int requestCount() {
        return requests.get();
    }

    /** Tokens issued so far. */
    public int issuedCount() {
        return issued.get();
    }

    private RSAKey key() {
        RSAKey k = signingKey;
        if (k == null) {
            throw new IllegalStateException("token server not started");
        }
        return k;
    }

    // =====================================================================================================
    // verification (the resource server's side)

    /** Whether {@code token} was issued by this server (signature), has not expired and is meant for Exchange SMTP. */
    public boolean verify(String token) {
        return problemWith(token).isEmpty();
    }

    /**
     * Why {@code token} would be refused, or empty when it is valid: not a signed JWT, bad signature (another key,
     * tampered), not yet valid, expired, wrong audience, issuer, tenant or missing role. The token itself is not part
     * of the text.
     */
    public Optional<String> problemWith(String token) {
        return problemWith(token, AUDIENCE, ROLE);
    }

    /** As {@link #problemWith(String)}, for a resource with its own audience; {@code requiredRole} null: any roles. */
    public Optional<String> problemWith(String token, String expectedAudience, String requiredRole) {
        if (token == null || token.isBlank()) {
            return Optional.of("no token");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token.trim());
        } catch (ParseException e) {
            return Optional.of("not a signed JWT (" + e.getMessage() + ")");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            return Optional.of("signed with " + jwt.getHeader().getAlgorithm() + ", expected RS256");
        }
        try {
            if (!jwt.verify(verifier)) {
                return Optional.of("bad signature: not issued by this token server, or altered");
            }
        } catch (JOSEException | IllegalStateException e) {
            return Optional.of("signature cannot be verified (" + e.getMessage() + ")");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Optional.of("claims do not parse (" + e.getMessage() + ")");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return Optional.of("no exp claim");
        }
        if (!now.isBefore(exp.toInstant())) {
            return Optional.of("expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.isBefore(nbf.toInstant())) {
            return Optional.of("not valid before " + nbf.toInstant());
        }
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(expectedAudience)) {
            return Optional.of("audience is " + audience + ", expected " + expectedAudience);
        }
        if (!issuer().equals(claims.getIssuer())) {
            return Optional.of("issuer is " + claims.getIssuer() + ", expected " + issuer());
        }
        try {
            if (!tenantId.equals(claims.getStringClaim("tid"))) {
                return Optional.of("tenant is " + claims.getStringClaim("tid") + ", expected " + tenantId);
            }
            List<String> roles = claims.getStringListClaim("roles");
            if (requiredRole != null && (roles == null || !roles.contains(requiredRole))) {
                return Optional.of("roles are " + roles + ", expected " + requiredRole);
            }
        } catch (ParseException e) {
            return Optional.of("claims have the wrong type (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }

    // =====================================================================================================
    // HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            Reply reply;
            try {
                if (path.endsWith(TOKEN_PATH)) {
                    requests.incrementAndGet();
                    reply = tokenRequest(exchange, path.substring(0, path.length() - TOKEN_PATH.length()));
                } else if (path.endsWith(KEYS_PATH) && "GET".equalsIgnoreCase(exchange.getRequestMethod())) {
                    drain(exchange.getRequestBody());
                    reply = new Reply(200, publicJwkSet().toString());
                } else {
                    drain(exchange.getRequestBody());
                    reply = new Reply(404, "{\"error\":\"not_found\",\"error_description\":\"The sandbox token "
                            + "server answers POST /" + tenantId + TOKEN_PATH + " and GET /" + tenantId + KEYS_PATH
                            + " only.\"}");
                }
            } catch (RuntimeException e) {
                LOG.warn("Sandbox token server failed to answer {} {}: {}", exchange.getRequestMethod(), path,
                        e.toString());
                reply = new Reply(500, "{\"error\":\"server_error\",\"error_description\":\"The sandbox token "
                        + "server failed: " + e.getClass().getSimpleName() + "\"}");
            }
            send(exchange, reply);
        } finally {
            exchange.close();
        }
    }

    private Reply tokenRequest(HttpExchange exchange, String tenantSegment) throws IOException {
        byte[] body = readBody(exchange.getRequestBody());
        if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
            return error(400, "invalid_request", 900561, "The endpoint only accepts POST, OPTIONS requests. Received a "
                    + exchange.getRequestMethod() + " request.");
        }
        if (body == null) {
            return error(400, "invalid_request", 900144, "The request body is larger than " + MAX_BODY + " bytes.");
        }
        String tenant;
        try {
            tenant = decode(tenantSegment.startsWith("/") ? tenantSegment.substring(1) : tenantSegment);
        } catch (IllegalArgumentException e) {
            tenant = tenantSegment;
        }
        if (!tenant.equalsIgnoreCase(tenantId)) {
            return error(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you "
                    + "have the correct tenant ID and are signing into the correct cloud. Check with your subscription "
                    + "administrator, this may happen if there are no active subscriptions for the tenant.");
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        Map<String, String> form;
        try {
            form = contentType != null
                    && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
                    ? parseForm(new String(body, StandardCharsets.US_ASCII)) : Map.of();
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_request", 900144, e.getMessage());
        }

        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isEmpty()) {
            return missingParameter("grant_type");
        }
        if (!grantType.equals(CLIENT_CREDENTIALS)) {
            return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '"
                    + grantType + "'. The sandbox token server supports client_credentials only.");
        }

        String id = form.get("client_id");
        String secret = form.get("client_secret");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] basic = parseBasic(authorization.substring(6).trim());
            if (basic == null) {
                return error(401, "invalid_client", 7000216, "The HTTP Basic Authorization header is malformed: "
                        + "expected base64(urlencode(client_id) \":\" urlencode(client_secret)).");
            }
            if (secret != null) {
                return error(400, "invalid_request", 900023, "The request used more than one client authentication "
                        + "method (client_secret in the body and HTTP Basic); use one (RFC 6749 section 2.3).");
            }
            if (id != null && !id.equals(basic[0])) {
                return error(400, "invalid_request", 900023, "client_id in the body differs from the client id of "
                        + "the HTTP Basic Authorization header.");
            }
            id = basic[0];
            secret = basic[1];
        }
        if (id == null || id.isEmpty()) {
            return missingParameter("client_id");
        }
        if (!id.equalsIgnoreCase(clientId)) {
            return error(400, "unauthorized_client", 700016, "Application with identifier '" + id + "' was not found "
                    + "in the directory '" + tenantId + "'. This can happen if the application has not been installed "
                    + "by the administrator of the tenant or consented to by any user in the tenant. You may have sent "
                    + "your authentication request to the wrong tenant.");
        }
        if (secret == null || secret.isEmpty()) {
            return error(401, "invalid_client", 7000218, "The request body must contain the following parameter: "
                    + "'client_assertion' or 'client_secret'.");
        }
        if (!constantTimeEquals(secret, clientSecret)) {
            return error(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent "
                    + "in the request is the client secret value, not the client secret ID, for a secret added to app '"
                    + clientId + "'.");
        }

        String scope = form.get("scope");
        if (scope == null || scope.isBlank()) {
            return missingParameter("scope");
        }
        if (scope.trim().equals(GRAPH_SCOPE)) {
            return issueToken(GRAPH_AUDIENCE, graphRoles, GRAPH_SCOPE);
        }
        if (!scope.trim().equals(SCOPE)) {
            String detail = scope.trim().endsWith("/.default")
                    ? "The sandbox token server grants only " + SCOPE + " (Exchange Online SMTP) and " + GRAPH_SCOPE
                    + "."
                    : "Client credential flows must have a scope value with /.default suffixed to the resource "
                    + "identifier (application ID URI).";
            return error(400, "invalid_scope", 1002012, "The provided value for scope " + scope.trim()
                    + " is not valid. " + detail);
        }
        return issueToken(AUDIENCE, List.of(ROLE), SCOPE);
    }

    private Reply issueToken(String audience, List<String> roles, String scope) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .audience(audience)
                .issuer(issuer())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(EXPIRES_IN_SECONDS)))
                .subject(servicePrincipalId)
                .jwtID(UUID.randomUUID().toString())
                .claim("app_displayname", "oauth-smtp-relay demo sandbox")
                .claim("appid", clientId)
                .claim("appidacr", "1")
                .claim("idp", issuer())
                .claim("oid", servicePrincipalId)
                .claim("roles", roles)
                .claim("tid", tenantId)
                .claim("ver", "1.0")
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(signingKey.getKeyID()).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        issued.incrementAndGet();
        LOG.debug("Sandbox token server issued a token to application {} (scope {}, expires in {} s)", clientId,
                scope, EXPIRES_IN_SECONDS);
        ObjectNode body = json.createObjectNode();
        body.put("token_type", "Bearer");
        body.put("expires_in", EXPIRES_IN_SECONDS);
        body.put("ext_expires_in", EXPIRES_IN_SECONDS);
        body.put("access_token", jwt.serialize());
        return new Reply(200, body.toString());
    }

    private Reply missingParameter(String name) {
        return error(400, "invalid_request", 900144, "The request body must contain the following parameter: '"
                + name + "'.");
    }

    /** An error in Entra's shape: {@code error}, {@code error_description} with AADSTS code and trace ids, ... */
    private Reply error(int status, String error, int aadsts, String text) {
        Instant now = clock.instant();
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        String timestamp = ENTRA_TIMESTAMP.format(now);
        ObjectNode body = json.createObjectNode();
        body.put("error", error);
        body.put("error_description", "AADSTS" + aadsts + ": " + text + " Trace ID: " + traceId
                + " Correlation ID: " + correlationId + " Timestamp: " + timestamp);
        body.putArray("error_codes").add(aadsts);
        body.put("timestamp", timestamp);
        body.put("trace_id", traceId);
        body.put("correlation_id", correlationId);
        body.put("error_uri", "https://login.microsoftonline.com/error?code=" + aadsts);
        LOG.debug("Sandbox token server refused a token request: HTTP {} {} AADSTS{}", status, error, aadsts);
        return new Reply(status, body.toString());
    }

    private void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store, no-cache");
        exchange.getResponseHeaders().set("Pragma", "no-cache");
        if (reply.status() == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"sandbox\"");
        }
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private record Reply(int status, String json) {
    }

    // =====================================================================================================
    // helpers

    /** The body, or null when it exceeds {@link #MAX_BODY} (the rest is drained). */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            drain(in);
            return null;
        }
        return bytes;
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        while (in.read(buf) >= 0) {
            // discard
        }
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (form.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("The request body contains the parameter '" + name
                        + "' more than once.");
            }
        }
        return form;
    }

    /** RFC 6749 2.3.1: base64(urlencode(id) ":" urlencode(secret)) → {id, secret}, or null when malformed. */
    static String[] parseBasic(String credentials) {
        try {
            String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] {decode(decoded.substring(0, colon)), decode(decoded.substring(colon + 1))};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8));
    }

    /** 40 random characters in Entra's secret alphabet (letters, digits, {@code ~ . _ -}). */
    private static String randomSecret() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 40; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "SandboxTokenServer[" + (server != null ? tokenEndpoint() : "not started") + ", application "
                + clientId + ", secret hidden]";
    }

    // =====================================================================================================
    // builder

    public static final class Builder {
        private String tenantId;
        private String clientId;
        private String clientSecret;
        private Clock clock = Clock.systemUTC();
        private List<String> graphRoles = List.of("Mail.Send", "Mail.ReadWrite");

        private Builder() {
        }

        /** The roles Graph tokens carry: the application permissions consented in Entra (none: an empty list). */
        public Builder graphRoles(String... roles) {
            this.graphRoles = List.of(roles);
            return this;
        }

        /** Default: a random UUID. */
        public Builder tenantId(String tenantId) {
            this.tenantId = requireText(tenantId, "tenantId");
            return this;
        }

        /** Default: a random UUID. */
        public Builder clientId(String clientId) {
            this.clientId = requireText(clientId, "clientId");
            return this;
        }

        /** Default: 40 random characters. */
        public Builder clientSecret(String clientSecret) {
            this.clientSecret = requireText(clientSecret, "clientSecret");
            return this;
        }

        /** The clock for {@code iat}/{@code exp} and for {@link SandboxTokenServer#verify}; default system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public SandboxTokenServer start() {
            return new SandboxTokenServer(this).startServer();
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be empty");
            }
            return value;
        }
    }
}
