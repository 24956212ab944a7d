package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.Optional;

import jakarta.mail.Session;

import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.delivery.graph.GraphClient;
import dev.oauthsmtprelay.delivery.graph.GraphSettings;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;

/** The Graph transport, when the credentials file selects {@code "transport": "graph"}, and its metrics. */
public final class GraphSetup {

    private GraphSetup() {
    }

    public static Optional<GraphClient> client(RelayEnvironment environment, Session session, Clock clock) {
        if (!(environment.credentials().credentials() instanceof MicrosoftApp app)
                || app.transport() != MicrosoftApp.Transport.GRAPH) {
            return Optional.empty();
        }
        GraphSettings settings = GraphSettings.from(environment.settings(), app.graphEndpoint());
        return Optional.of(new GraphClient(settings, environment.tokenService(), app.clientId(),
                environment.settings().dataDir(), session, clock));
    }

    static void metrics(RelayMetrics metrics, GraphClient client) {
        metrics.gauge("relay.graph.requests", "Requests sent to Microsoft Graph", client.statistics()::requests);
        metrics.gauge("relay.graph.throttled", "Graph replies 429 or 503 (throttling)",
                client.statistics()::throttledReplies);
        metrics.gauge("relay.graph.retries", "Graph requests repeated after a failure (fresh token, resumed draft)",
                client.statistics()::retries);
    }
}
