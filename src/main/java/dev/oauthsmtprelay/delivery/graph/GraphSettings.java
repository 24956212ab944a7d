package dev.oauthsmtprelay.delivery.graph;

import java.net.URI;
import java.time.Duration;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;

/**
 * @param endpoint       the Graph base URL, the credentials file's {@code graph_endpoint}
 * @param maxPerMailbox  requests in flight at once per sender mailbox
 * @param draftThreshold messages of at least this many bytes take the draft path
 * @param timeout        one request's time limit
 */
public record GraphSettings(URI endpoint, int maxPerMailbox, long draftThreshold, Duration timeout) {

    public static GraphSettings from(RelaySettings settings, URI endpoint) {
        return new GraphSettings(endpoint, settings.get(RelayKeys.GRAPH_MAX_PER_MAILBOX),
                settings.get(RelayKeys.GRAPH_DRAFT_THRESHOLD), settings.get(RelayKeys.GRAPH_TIMEOUT));
    }

    public String describe() {
        return "Microsoft Graph " + endpoint;
    }
}
