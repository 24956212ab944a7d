package dev.oauthsmtprelay.delivery.graph;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLException;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.oauth.AccessToken;
import dev.oauthsmtprelay.oauth.JwtAccessTokenInfo;
import dev.oauthsmtprelay.oauth.TokenException;
import dev.oauthsmtprelay.oauth.TokenService;

/**
 * Graph requests as one sender mailbox, with the application's token; a 401 gets one more try with a fresh token.
 * The JDK's HttpClient keeps connections alive and speaks HTTP/2 with Graph. Upload ranges go to the pre-authorised
 * upload URL without the token, as Graph requires. Network trouble becomes a classified {@link DeliveryFailure}.
 */
final class GraphHttp {

    /** Graph answers with an immutable id, which stays the same when a sent draft moves to Sent Items. */
    private static final String IMMUTABLE_IDS = "IdType=\"ImmutableId\"";

    private final GraphSettings settings;
    private final TokenService tokens;
    private final GraphStatistics statistics;
    private final HttpClient client;
    /** The last token whose roles were read: a token is parsed once, not on every request. */
    private volatile String checkedToken;

    GraphHttp(GraphSettings settings, TokenService tokens, GraphStatistics statistics) {
        this.settings = settings;
        this.tokens = tokens;
        this.statistics = statistics;
        this.client = HttpClient.newBuilder()
                .version("https".equals(settings.endpoint().getScheme()) ? HttpClient.Version.HTTP_2
                        : HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** {@code path} below {@code /users/{mailbox}}; {@code body} null for a GET or DELETE. */
    GraphResponse call(String mailbox, String method, String path, String contentType, byte[] body)
            throws DeliveryFailure {
        URI uri = URI.create(settings.endpoint() + "/users/" + URLEncoder.encode(mailbox, StandardCharsets.UTF_8)
                + path);
        AccessToken token = token(mailbox);
        GraphResponse response = send(request(uri, method, contentType, body, token), mailbox, path);
        if (response.status() == 401) {
            tokens.invalidate(mailbox, token);
            statistics.retried();
            response = send(request(uri, method, contentType, body, token(mailbox)), mailbox, path);
        }
        return response;
    }

    /** One range of an upload session: to the upload URL, never with the token. */
    GraphResponse upload(URI uploadUrl, byte[] range, long first, long total, String mailbox) throws DeliveryFailure {
        HttpRequest request = HttpRequest.newBuilder(uploadUrl)
                .timeout(settings.timeout())
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "bytes " + first + "-" + (first + range.length - 1) + "/" + total)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(range))
                .build();
        return send(request, mailbox, "an attachment upload");
    }

    private HttpRequest request(URI uri, String method, String contentType, byte[] body, AccessToken token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Authorization", "Bearer " + token.value())
                .header("Prefer", IMMUTABLE_IDS);
        if (body == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return builder.header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private GraphResponse send(HttpRequest request, String mailbox, String what) throws DeliveryFailure {
        statistics.requested();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 429 || response.statusCode() == 503) {
                statistics.throttled();
            }
            return new GraphResponse(response.statusCode(), response.body(), response.headers());
        } catch (HttpTimeoutException e) {
            throw new GraphTimeout("Graph did not answer " + what + " as " + mailbox + " within relay.graph.timeout ("
                    + settings.timeout().toSeconds() + " s); the relay retries.");
        } catch (ConnectException | UnresolvedAddressException e) {
            throw unreachable(e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnresolvedAddressException || e.getCause() instanceof ConnectException) {
                throw unreachable(e);
            }
            if (e instanceof SSLException || e.getCause() instanceof SSLException) {
                throw new DeliveryFailure(DeliveryFailure.Kind.CONFIGURATION, "TLS with " + settings.describe()
                        + " failed: " + e.getMessage() + ". The certificate is not trusted by the JVM (a proxy that "
                        + "inspects TLS needs its CA in the JVM's trust store) or graph_endpoint names the wrong host.",
                        null, null);
            }
            throw new GraphTimeout("The connection to " + settings.describe() + " broke during " + what + " as "
                    + mailbox + " (" + e.getMessage() + "); the relay retries.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Interrupted while waiting for Graph", null,
                    null);
        }
    }

    private DeliveryFailure unreachable(Exception e) {
        return new DeliveryFailure(DeliveryFailure.Kind.CONFIGURATION, "Cannot reach " + settings.describe() + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ". Check graph_endpoint in "
                + "the credentials file, DNS, and that the firewall or proxy lets this host open HTTPS connections "
                + "to it. Delivery resumes by itself once it answers.", null, null);
    }

    private AccessToken token(String mailbox) throws DeliveryFailure {
        AccessToken token;
        try {
            token = tokens.token(mailbox);
        } catch (TokenException e) {
            throw DeliveryFailure.of(e);
        }
        if (token.value().equals(checkedToken)) {
            return token;
        }
        JwtAccessTokenInfo info = JwtAccessTokenInfo.of(token).orElse(null);
        if (info != null && !info.roles().contains("Mail.Send")) {
            throw new DeliveryFailure(DeliveryFailure.Kind.CONFIGURATION, "The application's Graph token carries the "
                    + "roles " + info.roles() + " but not Mail.Send, so Graph would refuse every message. In Entra: "
                    + "API permissions → Add a permission → Microsoft Graph → Application permissions → Mail.Send "
                    + "(and Mail.ReadWrite for large messages) → Grant admin consent (docs/setup-microsoft.md, \"Graph "
                    + "instead of SMTP\"). Delivery resumes by itself once a new token has the role.", null, null);
        }
        checkedToken = token.value();
        return token;
    }

    /** No answer, or the connection broke: whether Graph carried the request out is unknown. */
    static final class GraphTimeout extends DeliveryFailure {
        GraphTimeout(String message) {
            super(Kind.TRANSIENT, message, null, null);
        }
    }
}
