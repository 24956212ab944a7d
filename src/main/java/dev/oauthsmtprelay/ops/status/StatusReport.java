package dev.oauthsmtprelay.ops.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.oauth.TokenService;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;

/**
 * Answers {@code /status} with what the {@code status} command prints: queue depth, messages in
 * retry, dead letters, whether delivery is paused and why, and per token key when the cached token
 * expires (never the token).
 */
public final class StatusReport implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final QueueStatistics queue;
    private final String queueName;
    private final DeadLetterStore deadLetters;
    private final DeliveryGate gate;
    private final TokenService tokens;

    public StatusReport(QueueStatistics queue, String queueName, DeadLetterStore deadLetters, DeliveryGate gate,
            TokenService tokens) {
        this.queue = queue;
        this.queueName = queueName;
        this.deadLetters = deadLetters;
        this.gate = gate;
        this.tokens = tokens;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                report(RelayMetrics.of(exchange))) + "\n");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    Map<String, Object> report(RelayMetrics metrics) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("queue", queueName);
        report.put("queueDepth", queue.depth().isPresent() ? queue.depth().getAsLong() : null);
        report.put("inRetry", queue.inRetry().isPresent() ? queue.inRetry().getAsLong() : null);
        report.put("deadLetters", deadLetters.list().size());
        report.put("deadLetterDir", deadLetters.directory().toAbsolutePath().toString());
        report.put("paused", gate.isPaused());
        report.put("pauseReason", gate.pauseReason().orElse(null));
        List<Map<String, Object>> cached = new ArrayList<>();
        for (TokenService.CachedToken token : tokens.cachedTokens()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("key", token.key());
            entry.put("expiresAt", token.expiresAt() == null ? null : token.expiresAt().toString());
            entry.put("lastFailure", token.lastFailure());
            cached.add(entry);
        }
        report.put("tokens", cached);
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("received", metrics.count("relay.messages.received"));
        counters.put("delivered", metrics.count("relay.messages.delivered"));
        counters.put("retried", metrics.count("relay.messages.retried"));
        counters.put("deadLettered", metrics.count("relay.messages.dead.lettered"));
        counters.put("rejected", metrics.count("relay.messages.rejected"));
        report.put("counters", counters);
        return report;
    }
}
