package dev.oauthsmtprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Holds docs/configuration.md, config/relay.sample.properties and the code to the table in {@link RelayKeys}: every
 * key documented in both files, nothing documented or used that the table does not declare.
 */
class RelayKeysCoverageTest {

    private static final Path CONFIGURATION_MD = Path.of("docs", "configuration.md");
    private static final Path SAMPLE = Path.of("config", "relay.sample.properties");
    private static final Path MAIN_JAVA = Path.of("src", "main", "java");
    private static final Path ROUTES = Path.of("routes");

    /** A name that looks like a key anywhere it is not followed by more name characters. */
    private static final Pattern NAME = Pattern.compile("(?<![A-Za-z0-9_.-])relay\\.[a-z0-9][a-z0-9.-]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\??)(relay\\.[a-z0-9.-]+)");

    /** Micrometer meters (RelayMetrics, OperationsSetup): relay.* names that are not configuration keys. */
    private static final Set<String> METERS = Set.of("relay.messages.received", "relay.messages.delivered",
            "relay.messages.retried", "relay.messages.dead.lettered", "relay.messages.rejected",
            "relay.token.requests", "relay.token.failures", "relay.delivery.duration", "relay.delivery.paused",
            "relay.mailboxes.paused", "relay.accounts.paused", "relay.broker.failovers", "relay.spool.stalled.reads", "relay.spool.poll.stuck.seconds",
            "relay.queue.depth", "relay.queue.in.retry", "relay.dead.letters", "relay.credentials.expiry.seconds",
            "relay.listener.accepted",
            "relay.listener.bytes", "relay.listener.connections", "relay.listener.connections.open",
            "relay.listener.refused", "relay.build.info", "relay.graph.requests", "relay.graph.throttled",
            "relay.graph.retries", "relay.mailbox.messages", "relay.mailbox.recipients", "relay.mailbox.waiting",
            "relay.mailbox.paced", "relay.mailbox.quota.frees.seconds");
    /** File names in examples. Queue names are defaults of keys and need no entry. */
    private static final Set<String> FILE_NAMES = Set.of("relay.properties", "relay.sample.properties", "relay.log");

    private static Map<String, Key<?>> keys() {
        Map<String, Key<?>> keys = new LinkedHashMap<>();
        RelayKeys.all().forEach(key -> keys.put(key.name(), key));
        return keys;
    }

    /** A name is known when it is a key, the default value of one (a queue name), a non-key name, or a key prefix. */
    private static boolean known(String name, boolean prefix) {
        if (prefix) {
            return RelayKeys.all().stream().anyMatch(key -> key.name().startsWith(name + "."));
        }
        return RelayKeys.named(name).isPresent() || METERS.contains(name) || FILE_NAMES.contains(name)
                || RelayKeys.all().stream().anyMatch(key -> key.defaultText().filter(name::equals).isPresent());
    }

    /** Names in {@code text} that are neither keys nor otherwise known; a trailing dot ends a sentence. */
    private static Set<String> unknownNames(String text) {
        Set<String> unknown = new TreeSet<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            String name = m.group().replaceAll("[.-]+$", "");
            boolean prefix = text.startsWith("*", m.start() + name.length() + 1)
                    || text.startsWith(".*", m.start() + name.length());
            if (!known(name, prefix)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    @Test
    void should_document_every_key_in_the_table_of_its_stage_with_its_default() throws IOException {
        List<String> lines = Files.readAllLines(CONFIGURATION_MD);
        Map<String, Key<?>> undocumented = keys();
        List<String> problems = new ArrayList<>();
        String heading = "";
        for (String line : lines) {
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "").trim();
            }
            if (!line.startsWith("| `relay.")) {
                continue;
            }
            String[] cells = line.split("\\|");
            Matcher names = Pattern.compile("`(relay\\.[a-z0-9.-]+)`").matcher(cells[1]);
            while (names.find()) {
                Key<?> key = RelayKeys.named(names.group(1)).orElse(null);
                if (key == null) {
                    problems.add(names.group(1) + " is documented but not declared in RelayKeys");
                    continue;
                }
                if (undocumented.remove(key.name()) == null) {
                    problems.add(key + " has two rows");
                }
                if (!heading.equals(key.stage().title())) {
                    problems.add(key + " is under '" + heading + "', not '" + key.stage().title() + "'");
                }
                key.defaultText().filter(text -> !cells[2].contains("`" + text + "`"))
                        .ifPresent(text -> problems.add(key + ": the default column does not say `" + text + "`"));
            }
        }
        undocumented.keySet().forEach(name -> problems.add(name + " has no row in " + CONFIGURATION_MD));
        Set<String> headings = lines.stream().filter(l -> l.startsWith("#")).map(l -> l.replaceFirst("^#+\\s*", ""))
                .collect(Collectors.toSet());
        for (Stage stage : Stage.values()) {
            if (!headings.contains(stage.title())) {
                problems.add("no heading '" + stage.title() + "' for the keys of stage " + stage);
            }
        }

        assertThat(problems).isEmpty();
        assertThat(unknownNames(String.join("\n", lines))).as("names in %s that are no key", CONFIGURATION_MD)
                .isEmpty();
    }

    @Test
    void should_list_every_key_in_the_sample_with_its_documentation_and_commented_out_default() throws IOException {
        List<String> lines = Files.readAllLines(SAMPLE);
        Pattern assignment = Pattern.compile("^(#?)\\s*(relay\\.[a-z0-9.-]+)\\s*=(.*)$");
        Map<String, Key<?>> missing = keys();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = assignment.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            Key<?> key = RelayKeys.named(m.group(2)).orElse(null);
            if (key == null) {
                problems.add(m.group(2) + " is in the sample but not declared in RelayKeys");
                continue;
            }
            if (missing.remove(key.name()) == null) {
                problems.add(key + " is in the sample twice");
            }
            if (key.defaultText().isPresent()
                    && !(m.group(1).equals("#") && m.group(3).trim().equals(key.defaultText().get()))) {
                problems.add(key + " has a default: write it commented out, #" + key + "=" + key.defaultText().get());
            }
            String value = m.group(3).trim();
            if (!value.isEmpty() && !value.contains("{{")) {
                try {
                    key.type().read(value);
                } catch (IllegalArgumentException e) {
                    problems.add(key + "=" + value + " is not " + key.type().form());
                }
            }
            if (i == 0 || !lines.get(i - 1).equals("# " + key.doc())) {
                problems.add(key + " is not preceded by its documentation line: # " + key.doc());
            }
        }
        missing.keySet().forEach(name -> problems.add(name + " is missing from " + SAMPLE));

        assertThat(problems).isEmpty();
        assertThat(unknownNames(String.join("\n", lines))).as("names in %s that are no key", SAMPLE).isEmpty();
    }

    @Test
    void should_use_only_declared_keys_in_the_code_and_the_route_files() throws IOException {
        Map<Path, Set<String>> unknown = new LinkedHashMap<>();
        Set<String> placeholdersWithoutDefault = new LinkedHashSet<>();
        Set<String> used = new TreeSet<>();
        for (Path file : files(MAIN_JAVA, ".java")) {
            for (String literal : JavaLiterals.strings(Files.readString(file))) {
                Set<String> names = unknownNames(literal);
                if (!names.isEmpty()) {
                    unknown.computeIfAbsent(file, f -> new TreeSet<>()).addAll(names);
                }
                placeholders(literal, placeholdersWithoutDefault, unknown, file);
                Matcher m = NAME.matcher(literal);
                while (m.find()) {
                    used.add(m.group().replaceAll("[.-]+$", ""));
                }
            }
        }
        for (Path file : files(ROUTES, ".yaml")) {
            placeholders(Files.readString(file), placeholdersWithoutDefault, unknown, file);
        }

        assertThat(unknown).as("relay.* names that RelayKeys does not declare").isEmpty();
        assertThat(placeholdersWithoutDefault).as("{{relay...}} placeholders of keys without a default fail "
                + "while the key is unset; give the key a default or write {{?key}}").isEmpty();
        assertThat(METERS.stream().filter(name -> !used.contains(name)))
                .as("meters METERS lists that the code no longer registers").isEmpty();
    }

    @Test
    void should_find_names_in_string_literals_only() {
        String source = """
                // "relay.comment.only" in a comment
                /* "relay.block.comment" */
                char quote = '"'; String a = "set relay.smtp.hots, or relay.smtp.*"; String b = "x\\"relay.escaped.key";
                """;

        assertThat(JavaLiterals.strings(source)).containsExactly("set relay.smtp.hots, or relay.smtp.*",
                "x\\\"relay.escaped.key");
        assertThat(unknownNames("set relay.smtp.hots, or relay.smtp.*, relay.outbound, relay.alias-domain."))
                .containsExactly("relay.smtp.hots");
    }

    private static void placeholders(String text, Set<String> withoutDefault, Map<Path, Set<String>> unknown,
                                     Path file) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            Key<?> key = RelayKeys.named(m.group(2)).orElse(null);
            if (key == null) {
                unknown.computeIfAbsent(file, f -> new TreeSet<>()).add("{{" + m.group(2) + "}}");
            } else if (m.group(1).isEmpty() && key.defaultText().isEmpty()) {
                withoutDefault.add(file + ": {{" + key + "}}");
            }
        }
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** The string literals of Java source, as written (escapes kept); comments and char literals skipped. */
    static final class JavaLiterals {

        static List<String> strings(String source) {
            List<String> literals = new ArrayList<>();
            int i = 0;
            while (i < source.length()) {
                char c = source.charAt(i);
                if (source.startsWith("//", i)) {
                    i = end(source.indexOf('\n', i));
                } else if (source.startsWith("/*", i)) {
                    i = end(source.indexOf("*/", i + 2)) + 2;
                } else if (source.startsWith("\"\"\"", i)) {
                    int close = end(source.indexOf("\"\"\"", i + 3));
                    literals.add(source.substring(i + 3, Math.min(close, source.length())));
                    i = close + 3;
                } else if (c == '"' || c == '\'') {
                    int j = i + 1;
                    while (j < source.length() && source.charAt(j) != c && source.charAt(j) != '\n') {
                        j += source.charAt(j) == '\\' ? 2 : 1;
                    }
                    if (c == '"') {
                        literals.add(source.substring(i + 1, Math.min(j, source.length())));
                    }
                    i = j + 1;
                } else {
                    i++;
                }
            }
            return literals;
        }

        private static int end(int index) {
            return index < 0 ? Integer.MAX_VALUE - 3 : index;
        }
    }
}
