package dev.oauthsmtprelay.ops.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * Answers {@code /health} (readiness and liveness), {@code /health/ready} and {@code /health/live}
 * with a JSON body and HTTP 200 when every check is UP, 503 otherwise.
 */
public final class HealthResponse implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void process(Exchange exchange) throws Exception {
        String path = exchange.getIn().getHeader(Exchange.HTTP_URI, "", String.class);
        HealthCheck.Kind kind = path.endsWith("/ready") ? HealthCheck.Kind.READINESS
                : path.endsWith("/live") ? HealthCheck.Kind.LIVENESS : HealthCheck.Kind.ALL;
        exchange.getMessage().removeHeaders("*");
        Collection<HealthCheck.Result> results = RelayHealthChecks.run(exchange.getContext(), kind);
        boolean up = HealthCheckHelper.isResultsUp(results, kind != HealthCheck.Kind.LIVENESS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        List<Map<String, Object>> checks = new ArrayList<>();
        for (HealthCheck.Result result : results) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("id", result.getCheck().getId());
            check.put("state", result.getState().name());
            result.getMessage().ifPresent(message -> check.put("message", message));
            Map<String, Object> details = new LinkedHashMap<>();
            result.getDetails().forEach((key, value) -> {
                if (!HealthCheckHelper.isReservedKey(key) && !key.startsWith("invocation") && !key.startsWith("failure")
                        && !key.startsWith("success")) {
                    details.put(key, String.valueOf(value));
                }
            });
            if (!details.isEmpty()) {
                check.put("details", details);
            }
            checks.add(check);
        }
        body.put("checks", checks);
        exchange.getMessage().setBody(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
    }
}
