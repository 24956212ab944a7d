package dev.oauthsmtprelay.app.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupSummaryLevel;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;

/**
 * The running relay's HTTP endpoint ({@code relay.health.host}:{@code relay.health.port}), as the commands that ask
 * it ({@code status}, {@code queue}) find and call it. Every failure is an {@link UnavailableException} whose message
 * says what to check.
 */
final class RelayEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final Optional<String> consoleToken;

    private RelayEndpoint(String base, Optional<String> consoleToken) {
        this.base = base;
        this.consoleToken = consoleToken;
    }

    /** From {@code --url} when given, else from the configuration's {@code relay.health.*} keys. */
    static RelayEndpoint of(ConfigOption config, String url) {
        CamelContext context = config.propertiesContext();
        try {
            RelaySettings settings = RelaySettings.of(context);
            Optional<String> token = settings.optional(RelayKeys.CONSOLE_TOKEN);
            if (url != null) {
                return new RelayEndpoint(url.replaceAll("/+$", ""), token);
            }
            int port = settings.get(RelayKeys.HEALTH_PORT);
            if (port == 0) {
                throw new UnavailableException(RelayKeys.HEALTH_PORT + " is not set (or 0), so the running relay "
                        + "serves no HTTP endpoint. Set " + RelayKeys.HEALTH_PORT + " (e.g. 9090) in the "
                        + "configuration, restart the relay, and run the command again; or give the endpoint with --url.");
            }
            String host = settings.get(RelayKeys.HEALTH_HOST);
            if (host.equals("0.0.0.0") || host.equals("::")) {
                host = "127.0.0.1";
            }
            return new RelayEndpoint("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port, token);
        } finally {
            context.setStartupSummaryLevel(StartupSummaryLevel.Off);
            context.stop();
        }
    }

    String base() {
        return base;
    }

    JsonNode get(String path, Map<String, String> query) {
        return call(HttpRequest.newBuilder(uri(path, query)).GET());
    }

    /** An action; carries {@code relay.console.token} from the configuration as a bearer token. */
    JsonNode post(String path, Map<String, String> form) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path, Map.of()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        consoleToken.ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return call(request);
    }

    private URI uri(String path, Map<String, String> query) {
        try {
            return URI.create(base + path + (query.isEmpty() ? "" : "?" + encode(query)));
        } catch (IllegalArgumentException e) {
            throw new UnavailableException("Not a usable URL: " + base + path + " (" + e.getMessage() + ").");
        }
    }

    private JsonNode call(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            response = client.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UnavailableException("Cannot reach the relay at " + built.uri() + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "). Is it running ('run' with the same "
                    + "--config), and do relay.health.host and relay.health.port match?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("Interrupted while asking " + built.uri());
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (response.statusCode() != 200) {
            String error = body != null && body.path("error").isTextual() ? body.path("error").asText()
                    : "Is another program listening on that port? Check relay.health.port.";
            throw new UnavailableException(built.uri().getPath() + " answered HTTP " + response.statusCode() + ": " + error);
        }
        if (body == null) {
            throw new UnavailableException(built.uri() + " did not answer with the relay's JSON. Is another "
                    + "program listening on that port? Check relay.health.port.");
        }
        return body;
    }

    private static String encode(Map<String, String> values) {
        return values.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** The relay could not be asked, or refused; the message says why and what to check. */
    static final class UnavailableException extends RuntimeException {
        UnavailableException(String message) {
            super(message);
        }
    }
}
