package dev.oauthsmtprelay.app.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code status}: asks the running relay (its {@code /status} endpoint on relay.health.host and
 * relay.health.port) what it is doing. Exit status 0 while delivering, 2 while delivery is paused (for every
 * mailbox, or for at least one sender mailbox), 1 when the relay cannot be asked.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show what the running relay is doing: queue depth, messages waiting to retry, dead letters, "
                + "whether delivery is paused and why (for all mail or for single sender mailboxes), and when "
                + "each cached token expires. Asks the relay's local HTTP endpoint (relay.health.port must be set "
                + "for 'run'). Exit status: 0 delivering, 2 paused (all mail or a mailbox), 1 the relay could not "
                + "be asked.")
class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigOption config;

    @Option(names = "--url", paramLabel = "URL",
            description = "The relay's endpoint, e.g. http://127.0.0.1:9090 (default: from relay.health.host and "
                    + "relay.health.port in the configuration).")
    String url;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            RelayEndpoint endpoint = RelayEndpoint.of(config, url);
            JsonNode status = endpoint.get("/status", Map.of());
            print(endpoint.base(), status, out);
            return status.path("paused").asBoolean() || !status.path("pausedMailboxes").isEmpty()
                    || !status.path("pausedAccounts").isEmpty() ? 2 : 0;
        } catch (RelayEndpoint.UnavailableException e) {
            err.println(e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    static void print(String base, JsonNode status, PrintWriter out) {
        Instant now = Instant.now();
        out.println("Relay at " + base);
        out.println("queue " + status.path("queue").asText() + ": " + number(status.path("queueDepth"))
                + " message(s), " + number(status.path("inRetry")) + " waiting to retry");
        JsonNode broker = status.path("broker");
        if (broker.has("url")) {
            out.println("broker: " + broker.path("url").asText() + ", " + (broker.path("connectedTo").isTextual()
                    ? "connected to " + broker.path("connectedTo").asText() : "NOT connected") + ", "
                    + broker.path("failovers").asInt() + " failover(s) since start");
        } else if (broker.has("embedded")) {
            out.println("broker: embedded, " + broker.path("embedded").asText()
                    + (broker.path("running").asBoolean(true) ? "" : ", NOT running (see the relay's log)")
                    + (broker.path("restarts").asInt() > 0 ? ", started again " + broker.path("restarts").asInt()
                    + " time(s) after a journal failure" : ""));
        }
        out.println("dead letters: " + status.path("deadLetters").asInt()
                + (status.path("deadLetters").asInt() > 0 ? " (see 'dead-letter list')" : ""));
        if (status.path("paused").asBoolean()) {
            out.println("delivery: PAUSED: " + status.path("pauseReason").asText());
        } else if (status.path("pausedMailboxes").isEmpty() && status.path("pausedAccounts").isEmpty()) {
            out.println("delivery: running");
        } else {
            if (!status.path("pausedAccounts").isEmpty()) {
                out.println("delivery: running, PAUSED for " + status.path("pausedAccounts").size()
                        + " account(s); the messages of their mailboxes stay queued:");
                for (JsonNode pause : status.path("pausedAccounts")) {
                    out.println("  account " + pause.path("account").asText() + " since " + pause.path("since").asText()
                            + " (probed as " + pause.path("mailbox").asText() + "): " + pause.path("reason").asText());
                }
            }
            if (!status.path("pausedMailboxes").isEmpty()) {
                out.println("delivery: running, PAUSED for " + status.path("pausedMailboxes").size()
                        + " sender mailbox(es); their messages stay queued:");
                for (JsonNode pause : status.path("pausedMailboxes")) {
                    out.println("  " + pause.path("mailbox").asText() + " since " + pause.path("since").asText() + ": "
                            + pause.path("reason").asText());
                }
            }
        }
        JsonNode tokens = status.path("tokens");
        if (tokens.isEmpty()) {
            out.println("tokens: none cached yet");
        } else {
            out.println("tokens:");
            for (JsonNode token : tokens) {
                String expiry;
                if (token.path("expiresAt").isNull() || token.path("expiresAt").isMissingNode()) {
                    expiry = "no token cached";
                } else {
                    Instant expiresAt = Instant.parse(token.path("expiresAt").asText());
                    expiry = expiresAt.isAfter(now)
                            ? "expires " + expiresAt + " (in " + DeadLetterCommand.Text.age(now, expiresAt) + ")"
                            : "expired " + expiresAt;
                }
                out.println("  " + token.path("key").asText() + ": " + expiry
                        + (token.path("lastFailure").isTextual() ? "; last request failed: "
                                + token.path("lastFailure").asText() : ""));
            }
        }
        if (status.path("credentialsExpireAt").isTextual()) {
            Instant expires = Instant.parse(status.path("credentialsExpireAt").asText());
            out.println("credentials: " + (expires.isAfter(now) ? "expire " + expires + " (in "
                    + DeadLetterCommand.Text.age(now, expires) + ")" : "EXPIRED " + expires));
        }
        printListener(status.path("listener"), out);
        printMailboxes(status.path("mailboxes"), out);
        JsonNode counters = status.path("counters");
        out.println("since start: " + counters.path("received").asLong() + " received, "
                + counters.path("delivered").asLong() + " delivered, " + counters.path("retried").asLong()
                + " retried, " + counters.path("deadLettered").asLong() + " dead-lettered, "
                + counters.path("rejected").asLong() + " rejected");
    }

    private static void printMailboxes(JsonNode mailboxes, PrintWriter out) {
        if (mailboxes.isEmpty()) {
            return;
        }
        out.println("sender mailboxes (last 24 h):");
        for (JsonNode mailbox : mailboxes) {
            StringBuilder line = new StringBuilder("  ").append(mailbox.path("mailbox").asText()).append(": ")
                    .append(mailbox.path("messages24h").asInt()).append(limit(mailbox.path("messageLimit")))
                    .append(" messages, ").append(mailbox.path("recipients24h").asInt())
                    .append(limit(mailbox.path("recipientLimit"))).append(" recipients");
            if (mailbox.path("waitingForLimit").asInt() > 0) {
                line.append("; ").append(mailbox.path("waitingForLimit").asInt())
                        .append(" waiting for the daily limit, the last until ").append(mailbox.path("limitWaitUntil").asText());
            }
            if (mailbox.path("pacedUntil").isTextual()) {
                line.append("; paced backlog out by ").append(mailbox.path("pacedUntil").asText());
            }
            out.println(line);
        }
    }

    private static String limit(JsonNode limit) {
        return limit.asInt() > 0 ? " of " + limit.asInt() : "";
    }

    private static void printListener(JsonNode listener, PrintWriter out) {
        if (!listener.isObject()) {
            out.println("SMTP listener: off (relay.listener.enabled=false)");
            return;
        }
        String state = listener.path("state").asText();
        StringBuilder line = new StringBuilder("SMTP listener: ").append(state.equals("listening")
                ? "listening on " + listener.path("listen").asText()
                : state.toUpperCase(java.util.Locale.ROOT) + " on " + listener.path("listen").asText()
                        + (listener.path("failure").isTextual() ? " (" + listener.path("failure").asText() + ")" : ""));
        line.append(", TLS ").append(listener.path("tls").asText()).append(", AUTH ").append(listener.path("auth").asText())
                .append("; ").append(listener.path("openConnections").asLong()).append(" open connection(s); since start ")
                .append(listener.path("accepted").asLong()).append(" accepted (")
                .append(listener.path("acceptedBytes").asLong()).append(" bytes)");
        long refused = 0;
        StringBuilder reasons = new StringBuilder();
        for (var reason : (Iterable<java.util.Map.Entry<String, JsonNode>>) listener.path("refused")::fields) {
            refused += reason.getValue().asLong();
            reasons.append(reasons.length() == 0 ? "" : ", ").append(reason.getKey()).append(' ')
                    .append(reason.getValue().asLong());
        }
        line.append(", ").append(refused).append(" refused").append(refused > 0 ? " (" + reasons + ")" : "");
        out.println(line);
    }

    private static String number(JsonNode value) {
        return value.isNumber() ? value.asText() : "unknown";
    }
}
