package dev.oauthsmtprelay.ops.queue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.message.QueuedMessage;
import dev.oauthsmtprelay.queue.QueueAdmin;

/**
 * {@code /queue} on the relay's HTTP endpoint. {@code GET /queue} lists the delivery and hold queues (filters
 * {@code sender}, {@code recipient}, {@code olderThan}), {@code GET /queue/ID} shows one message, and
 * {@code POST /queue/hold|release|delete|retry-now} with {@code id}, {@code sender} or {@code all=true} acts, when
 * the request carries {@code relay.console.token}. Each action is logged with who asked, what and how many.
 */
public final class QueueConsole implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(QueueConsole.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PARAMETERS = List.of("id", "sender", "all", "recipient", "olderThan", "operator");
    private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([smhd])");

    private final QueueAdmin admin;
    private final Optional<String> token;
    private final Clock clock;

    public QueueConsole(QueueAdmin admin, Optional<String> token, Clock clock) {
        this.admin = admin;
        this.token = token;
        this.clock = clock;
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
                body = list(params);
            } else if (method.equals("GET")) {
                body = show(path);
                if (body == null) {
                    status = 404;
                    body = error("no queued or held message has relay id " + path + " (delivered, deleted, or a dead "
                            + "letter: see 'dead-letter list')");
                }
            } else if (method.equals("POST")) {
                String refusal = authorize(in);
                if (refusal != null) {
                    status = 403;
                    body = error(refusal);
                } else {
                    body = act(path, QueueSelection.from(params), operator(in, params));
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

    private List<Map<String, Object>> list(Map<String, String> params) throws Exception {
        String sender = params.get("sender");
        String recipient = params.get("recipient");
        Duration olderThan = params.containsKey("olderThan") ? age(params.get("olderThan")) : Duration.ZERO;
        Instant now = clock.instant();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Map<String, Object> row : rows()) {
            Map<String, Object> entry = entry(row, now);
            if (sender != null && !sender.isBlank() && !sender.equalsIgnoreCase(String.valueOf(entry.get("sender")))) {
                continue;
            }
            if (recipient != null && !recipient.isBlank() && ((List<?>) entry.get("recipients")).stream()
                    .noneMatch(r -> recipient.equalsIgnoreCase(String.valueOf(r)))) {
                continue;
            }
            if (((Number) entry.get("ageSeconds")).longValue() < olderThan.toSeconds()) {
                continue;
            }
            entries.add(entry);
        }
        return entries;
    }

    private Map<String, Object> show(String relayId) throws Exception {
        for (Map<String, Object> row : rows()) {
            if (relayId.equals(row.get(QueuedMessage.RELAY_ID))) {
                Map<String, Object> entry = entry(row, clock.instant());
                Map<String, Object> properties = new LinkedHashMap<>();
                row.forEach((name, value) -> {
                    if (name.startsWith(QueuedMessage.PREFIX)) {
                        properties.put(name, value);
                    }
                });
                entry.put("properties", properties);
                return entry;
            }
        }
        return null;
    }

    private List<Map<String, Object>> rows() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>(admin.list(admin.deliveryQueue()));
        for (Map<String, Object> held : admin.list(admin.holdQueue())) {
            held.put("state", "held");
            rows.add(held);
        }
        return rows;
    }

    private Map<String, Object> act(String action, QueueSelection selection, String operator) throws Exception {
        int count = switch (action) {
            case "hold" -> admin.move(admin.deliveryQueue(), selection.filter(), admin.holdQueue());
            case "release" -> admin.move(admin.holdQueue(), selection.filter(), admin.deliveryQueue());
            case "delete" -> admin.remove(admin.deliveryQueue(), selection.filter())
                    + admin.remove(admin.holdQueue(), selection.filter());
            // Moving out and back drops the redelivery delay: the message is ready at once.
            case "retry-now" -> {
                int moved = admin.move(admin.deliveryQueue(), selection.filter(), admin.holdQueue());
                admin.move(admin.holdQueue(), selection.filter(), admin.deliveryQueue());
                yield moved;
            }
            default -> throw new IllegalArgumentException("unknown action '" + action + "': hold, release, delete or "
                    + "retry-now");
        };
        if (action.equals("delete")) {
            LOG.warn("queue delete by {}: {} message(s) removed for good ({})", operator, count, selection.description());
        } else {
            LOG.info("queue {} by {}: {} message(s) ({})", action, operator, count, selection.description());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("action", action);
        result.put("selection", selection.description());
        result.put("count", count);
        return result;
    }

    private String authorize(Message in) {
        if (token.isEmpty()) {
            return "queue actions are off: " + RelayKeys.CONSOLE_TOKEN + " is not set. Set it in the relay's "
                    + "configuration (a long random value) and restart the relay";
        }
        String given = in.getHeader("Authorization", "", String.class).replaceFirst("(?i)^Bearer\\s+", "");
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.get().getBytes(StandardCharsets.UTF_8))) {
            return "the request does not carry " + RelayKeys.CONSOLE_TOKEN + ": run the queue command with the "
                    + "relay's --config file, or send Authorization: Bearer <token>";
        }
        return null;
    }

    private static String operator(Message in, Map<String, String> params) {
        String user = params.get("operator");
        Object remote = in.getHeader("CamelVertxPlatformHttpRemoteAddress");
        return (user == null ? "a client" : printable(user)) + (remote == null ? "" : " from " + remote);
    }

    private static Map<String, Object> entry(Map<String, Object> row, Instant now) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", row.get(QueuedMessage.RELAY_ID));
        entry.put("state", row.get("state"));
        entry.put("sender", row.get(QueuedMessage.MAIL_FROM));
        Object recipients = row.get(QueuedMessage.RECIPIENTS);
        entry.put("recipients", recipients == null ? List.of() : Arrays.asList(String.valueOf(recipients).split("\n")));
        Object queuedAt = row.get(QueuedMessage.QUEUED_AT);
        Instant queued = queuedAt instanceof Number millis ? Instant.ofEpochMilli(millis.longValue()) : now;
        entry.put("queuedAt", queued.toString());
        entry.put("ageSeconds", Math.max(0, Duration.between(queued, now).toSeconds()));
        entry.put("source", row.get(QueuedMessage.SOURCE));
        entry.put("messageId", row.get(QueuedMessage.MESSAGE_ID));
        return entry;
    }

    private static Map<String, String> parameters(Message in) {
        Map<String, String> params = new LinkedHashMap<>();
        // platform-http turns query and form parameters into headers, and may leave the body empty
        for (String name : PARAMETERS) {
            String value = in.getHeader(name, String.class);
            if (value != null) {
                params.put(name, value);
            }
        }
        String query = in.getHeader(Exchange.HTTP_QUERY, String.class);
        String body = in.getBody(String.class);
        for (String part : new String[] {query, body}) {
            if (part == null || part.isBlank()) {
                continue;
            }
            for (String pair : part.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    static Duration age(String text) {
        Matcher m = AGE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an age: give a number with s, m, h or d (e.g. 1h)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private static String printable(String text) {
        String cleaned = text.replaceAll("[^\\x21-\\x7e]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}
