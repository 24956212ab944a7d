package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import jakarta.mail.Session;

import dev.oauthsmtprelay.credentials.Account;
import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.delivery.graph.GraphClient;
import dev.oauthsmtprelay.delivery.graph.GraphSettings;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;

/** The Graph transport of each account whose credentials file selects {@code "transport": "graph"}, and its metrics. */
public final class GraphSetup {

    private GraphSetup() {
    }

    static Optional<GraphClient> client(RelayEnvironment environment, Account account, Session session,
                                        Clock clock) {
        if (!(account.credentials() instanceof MicrosoftApp app) || app.transport() != MicrosoftApp.Transport.GRAPH) {
            return Optional.empty();
        }
        GraphSettings settings = GraphSettings.from(environment.settings(), app.graphEndpoint());
        return Optional.of(new GraphClient(settings, environment.tokenService(account), app.clientId(),
                environment.settings().dataDir(), session, clock));
    }

    /** The Graph statistics, summed over the accounts that send through Graph. */
    static void metrics(RelayMetrics metrics, List<GraphClient> clients) {
        metrics.gauge("relay.graph.requests", "Requests sent to Microsoft Graph",
                () -> clients.stream().mapToLong(c -> c.statistics().requests()).sum());
        metrics.gauge("relay.graph.throttled", "Graph replies 429 or 503 (throttling)",
                () -> clients.stream().mapToLong(c -> c.statistics().throttledReplies()).sum());
        metrics.gauge("relay.graph.retries", "Graph requests repeated after a failure (fresh token, resumed draft)",
                () -> clients.stream().mapToLong(c -> c.statistics().retries()).sum());
    }
}
