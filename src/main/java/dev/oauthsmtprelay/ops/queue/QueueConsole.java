package dev.oauthsmtprelay.ops.queue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code /queue} on the relay's HTTP endpoint. {@code GET /queue} lists the delivery and hold queues (filters
 * {@code sender}, {@code recipient}, {@code olderThan}), {@code GET /queue/ID} shows one message, and
 * {@code POST /queue/hold|release|delete|retry-now} with {@code id}, {@code sender} or {@code all=true} acts, when
 * the request carries {@code relay.console.token}. Each action is logged with who asked, what and how many.
 */
public final class QueueConsole implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PARAMETERS = List.of("id", "sender", "all", "recipient", "subject", "olderThan", "operator");

    private final QueueActions actions;
    private final ConsoleToken token;

    public QueueConsole(QueueActions actions, ConsoleToken token) {
        this.actions = actions;
        this.token = token;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String path = in.getHeader(Exchange.HTTP_URI, "", String.class).replaceFirst("\\?.*$", "")
                .replaceFirst("^/queue/?", "").replaceAll("/+$", "");
        String method = in.getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        Map<String, String> params = parameters(in);
        int status = 200;
        Object body;
        try {
            if (method.equals("GET") && path.isEmpty()) {
                body = actions.list(params.get("sender"), params.get("recipient"), params.get("subject"),
                        params.get("olderThan"));
            } else if (method.equals("GET")) {
                body = actions.show(path);
                if (body == null) {
                    status = 404;
                    body = error("no queued or held message has relay id " + path + " (delivered, deleted, or a dead "
                            + "letter: see 'dead-letter list')");
                }
            } else if (method.equals("POST")) {
                String refusal = token.refusal(in.getHeader("Authorization", "", String.class)
                        .replaceFirst("(?i)^Bearer\\s+", ""));
                if (refusal != null) {
                    status = 403;
                    body = error(refusal);
                } else {
                    body = actions.act(path, QueueSelection.from(params), operator(in, params));
                }
            } else {
                status = 405;
                body = error("GET to read, POST to act");
            }
        } catch (IllegalArgumentException e) {
            status = 400;
            body = error(e.getMessage());
        }
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setBody(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    }

    private static String operator(Message in, Map<String, String> params) {
        String user = params.get("operator");
        Object remote = in.getHeader("CamelVertxPlatformHttpRemoteAddress");
        return (user == null ? "a client" : printable(user)) + (remote == null ? "" : " from " + remote);
    }

    private static Map<String, String> parameters(Message in) {
        return FormParameters.read(in, PARAMETERS, in.getHeader(Exchange.HTTP_QUERY, String.class),
                in.getBody(String.class));
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private static String printable(String text) {
        String cleaned = text.replaceAll("[^\\x21-\\x7e]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}
