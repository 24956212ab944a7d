package dev.oauthsmtprelay.app.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code queue}: the postqueue/postsuper of the relay, through the running relay's HTTP endpoint, so it works alike
 * with the embedded broker and an external one. Actions carry {@code relay.console.token} from the configuration.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "List, show, hold, release, delete or retry the mail waiting in the running relay's queue "
                + "(like postqueue -p, postsuper -h/-H/-d, postqueue -f). Asks the relay's HTTP endpoint "
                + "(relay.health.port); actions need relay.console.token in the same configuration.",
        subcommands = {QueueCommand.ListMessages.class, QueueCommand.Show.class, QueueCommand.Hold.class,
                QueueCommand.Release.class, QueueCommand.Delete.class, QueueCommand.RetryNow.class})
class QueueCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What every queue subcommand shares: where the relay is, and how to report. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--url", paramLabel = "URL", description = "The relay's endpoint, e.g. http://127.0.0.1:9090 "
                + "(default: from relay.health.host and relay.health.port in the configuration).")
        String url;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                return run(RelayEndpoint.of(config, url), out);
            } catch (RelayEndpoint.UnavailableException e) {
                err.println(e.getMessage());
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }

        abstract int run(RelayEndpoint relay, PrintWriter out) throws RelayEndpoint.UnavailableException;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The queued and held messages: relay id, "
            + "age, state (waiting, retry, delivering, held), sender and recipients.")
    static final class ListMessages extends Base {
        @Option(names = "--sender", paramLabel = "ADDRESS", description = "Only this envelope sender.")
        String sender;

        @Option(names = "--recipient", paramLabel = "ADDRESS", description = "Only messages to this recipient.")
        String recipient;

        @Option(names = "--subject", paramLabel = "TEXT", description = "Only messages whose Subject contains TEXT "
                + "(ignoring case).")
        String subject;

        @Option(names = "--older-than", paramLabel = "AGE", description = "Only messages queued longer ago, e.g. 1h, 30m, 2d.")
        String olderThan;

        @Option(names = "--json", description = "Print the JSON the relay answered.")
        boolean json;

        @Override
        int run(RelayEndpoint relay, PrintWriter out) {
            Map<String, String> query = new LinkedHashMap<>();
            put(query, "sender", sender);
            put(query, "recipient", recipient);
            put(query, "subject", subject);
            put(query, "olderThan", olderThan);
            JsonNode entries = relay.get("/queue", query);
            if (json) {
                out.println(entries.toPrettyString());
                return 0;
            }
            out.println(String.format("%-30s %7s  %-10s %5s  %-32s  %s", "ID", "AGE", "STATE", "TRIES", "SENDER",
                    "RECIPIENTS"));
            for (JsonNode entry : entries) {
                JsonNode recipients = entry.path("recipients");
                String to = recipients.size() == 0 ? "" : recipients.get(0).asText()
                        + (recipients.size() > 1 ? " (+" + (recipients.size() - 1) + ")" : "");
                out.println(String.format("%-30s %7s  %-10s %5d  %-32s  %s", entry.path("id").asText(),
                        age(entry.path("ageSeconds").asLong()), entry.path("state").asText(),
                        entry.path("failedAttempts").asInt(), entry.path("sender").asText(), to));
                if (entry.path("subject").isTextual()) {
                    out.println("    subject: " + entry.path("subject").asText() + ", " + entry.path("size").asLong()
                            + " bytes");
                }
                if (entry.path("lastError").isTextual()) {
                    out.println("    last error: " + entry.path("lastError").asText()
                            + (entry.path("nextAttempt").isTextual() ? "; next attempt " + entry.path("nextAttempt").asText() : ""));
                }
            }
            out.println(entries.size() + " message(s)");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One message: its envelope and the "
            + "properties it travels with.")
    static final class Show extends Base {
        @Parameters(paramLabel = "ID", description = "The relay id, as 'queue list' shows it.")
        String id;

        @Override
        int run(RelayEndpoint relay, PrintWriter out) {
            JsonNode entry = relay.get("/queue/" + id, Map.of());
            String headers = entry.path("headers").isTextual() ? entry.path("headers").asText()
                    : "(not readable now: the message is being delivered or waits for its redelivery delay)";
            ((com.fasterxml.jackson.databind.node.ObjectNode) entry).remove("headers");
            out.println(entry.toPrettyString());
            out.println("headers:");
            headers.lines().forEach(line -> out.println("  " + line));
            return 0;
        }
    }

    /** Exactly one of ID, --sender, --all. */
    static final class Selection {
        @Parameters(paramLabel = "ID", arity = "0..1", description = "One message, by relay id.")
        String id;

        @Option(names = "--sender", paramLabel = "ADDRESS", description = "Every message of this envelope sender.")
        String sender;

        @Option(names = "--all", description = "Every message.")
        boolean all;

        Map<String, String> form() {
            Map<String, String> form = new LinkedHashMap<>();
            put(form, "id", id);
            put(form, "sender", sender);
            if (all) {
                form.put("all", "true");
            }
            return form;
        }
    }

    abstract static class Action extends Base {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Selection selection;

        abstract String action();

        abstract String done();

        @Override
        int run(RelayEndpoint relay, PrintWriter out) {
            Map<String, String> form = selection.form();
            form.put("operator", System.getProperty("user.name", "unknown"));
            JsonNode result = relay.post("/queue/" + action(), form);
            int count = result.path("count").asInt();
            out.println(done() + " " + count + " message(s) (" + result.path("selection").asText() + ")");
            long inDelivery = result.path("inDelivery").asLong();
            if (inDelivery > 0) {
                out.println(inDelivery + " more matching message(s) are in a delivery attempt right now; run the "
                        + "command again once it has ended (a successful attempt delivers them)");
            }
            return count > 0 ? 0 : 1;
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true, description = "Stop messages from being delivered; they "
            + "wait in the hold queue, across restarts, until released (postsuper -h).")
    static final class Hold extends Action {
        String action() {
            return "hold";
        }

        String done() {
            return "held";
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Let held messages go again "
            + "(postsuper -H).")
    static final class Release extends Action {
        String action() {
            return "release";
        }

        String done() {
            return "released";
        }
    }

    @Command(name = "retry-now", mixinStandardHelpOptions = true, description = "Send at once what waits for its "
            + "redelivery delay (postqueue -f / -i).")
    static final class RetryNow extends Action {
        String action() {
            return "retry-now";
        }

        String done() {
            return "retrying";
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove queued or held messages for "
            + "good (postsuper -d). Logged by the relay with who, what and how many. Needs --yes.")
    static final class Delete extends Action {
        @Option(names = "--yes", description = "Confirm: the messages are gone for good.")
        boolean yes;

        String action() {
            return "delete";
        }

        String done() {
            return "deleted";
        }

        @Override
        int run(RelayEndpoint relay, PrintWriter out) {
            if (!yes) {
                throw new RelayEndpoint.UnavailableException("delete removes messages for good; add --yes to confirm "
                        + "(see first what it would remove: queue list)");
            }
            return super.run(relay, out);
        }
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    static String age(long seconds) {
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return seconds / 60 + "m";
        }
        return seconds < 172_800 ? seconds / 3600 + "h" : seconds / 86_400 + "d";
    }
}
