package dev.oauthsmtprelay.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

import dev.oauthsmtprelay.deadletter.DeadLetter;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;

class DeadLetterCommandTest {

    private static final String MIME = "From: QSYSOPR@ibmi.local\r\nTo: bob@example.org\r\n"
            + "Subject: Job ended abnormally\r\n\r\nCPF9999\r\n";

    @TempDir
    Path dir;

    private Path config;
    private DeadLetterStore store;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void configure() {
        // No credentials and no alias domain: these commands must not need them.
        config = new RelayConfigFile()
                .set("relay.data.dir", dir.resolve("data"))
                .set("relay.spool.dir", dir.resolve("spool"))
                .set("relay.credentials", dir.resolve("missing-credentials.json"))
                .writeTo(dir.resolve("relay.properties"));
        store = DeadLetterStore.inDataDir(dir.resolve("data"));
    }

    private int run(String... args) {
        return run(RelayCli.commandLine(), args);
    }

    private int run(CommandLine cli, String... args) {
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static DeadLetter letter(String id, Instant lastAttempt, List<String> recipients, String reason) {
        return new DeadLetter(id, MIME.getBytes(StandardCharsets.UTF_8), "QSYSOPR@ibmi.local", recipients,
                "operator@example.com", reason, "550 5.1.1 user unknown", 3, lastAttempt.minusSeconds(300),
                lastAttempt, "spool:" + id + ".eml");
    }

    private static DeadLetter letter(String id, Instant lastAttempt) {
        return letter(id, lastAttempt, List.of("bob@example.org", "dave@example.org"),
                "the hub refused bob@example.org: 550 5.1.1 user unknown. Correct the address and retry.");
    }

    @Test
    void should_list_one_line_per_dead_letter_oldest_first() {
        Instant now = Instant.parse("2026-03-10T12:00:00Z");
        store.write(letter("recent", now.minus(Duration.ofMinutes(12))));
        store.write(letter("old", now.minus(Duration.ofDays(3)), List.of("a.very.long.recipient.address@example.org"),
                "no sender mailbox for QSYSOPR@ibmi.local: it is not in relay.users, not in the alias domain "
                        + "example.com,\nand relay.default-sender is not set. Add it to relay.users or set relay.default-sender."));

        int status = run(new CommandLine(new DeadLetterCommand(Clock.fixed(now, ZoneOffset.UTC))),
                "list", "--config", config.toString());

        assertThat(status).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("ID\\s+AGE\\s+SENDER\\s+RECIPIENTS\\s+REASON");
        assertThat(lines.get(1)).startsWith("old        3d  operator@example.com            a.very.long.recipient.addre...  "
                + "no sender mailbox for QSYSOPR@ibmi.local: it is not in relay.users, not in th...");
        assertThat(lines.get(2)).startsWith("recent    12m  operator@example.com            bob@example.org (+1)            "
                + "the hub refused bob@example.org: 550 5.1.1 user unknown.");
        assertThat(lines.get(3)).isEqualTo("2 dead letters in " + store.directory().toAbsolutePath()
                + ". Details: dead-letter show ID");
    }

    @Test
    void should_say_so_when_there_are_no_dead_letters() {
        int status = run("dead-letter", "list", "--config", config.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("No dead letters in " + store.directory().toAbsolutePath() + "."
                + System.lineSeparator());
    }

    @Test
    void should_show_every_field_and_the_message_headers() {
        store.write(letter("invoice-42", Instant.now().minus(Duration.ofHours(5))));

        int status = run("dead-letter", "show", "invoice-42", "--config", config.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("id:             invoice-42")
                .contains("source:         spool:invoice-42.eml")
                .contains("mail from:      QSYSOPR@ibmi.local")
                .contains("sender mailbox: operator@example.com")
                .contains("recipients:     bob@example.org, dave@example.org")
                .contains("attempts:       3")
                .containsPattern("last attempt:   \\S+Z \\(5h ago\\)")
                .contains("reason:         the hub refused bob@example.org")
                .contains("smtp reply:     550 5.1.1 user unknown")
                .contains("message:        " + store.directory().resolve("invoice-42.eml").toAbsolutePath()
                        + " (" + MIME.length() + " bytes)")
                .contains("From: QSYSOPR@ibmi.local\nTo: bob@example.org\nSubject: Job ended abnormally")
                .doesNotContain("CPF9999");
    }

    @Test
    void should_exit_1_naming_the_directory_for_an_unknown_id() {
        int status = run("dead-letter", "show", "nope", "--config", config.toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("No dead letter \"nope\" in " + store.directory().toAbsolutePath());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void should_exit_1_for_an_id_that_is_not_a_safe_file_name() {
        int status = run("dead-letter", "purge", "../relay.properties", "--config", config.toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("Invalid dead letter id \"../relay.properties\"");
        assertThat(config).exists();
    }

    @Test
    void should_retry_one_dead_letter_into_the_spool() throws Exception {
        store.write(letter("invoice-42", Instant.now()));

        int status = run("dead-letter", "retry", "invoice-42", "--config", config.toString());

        assertThat(status).as(err.toString()).isZero();
        Path spoolFile = dir.resolve("spool").resolve("invoice-42.eml");
        assertThat(out.toString()).contains("Retrying invoice-42: queued as " + spoolFile.toAbsolutePath()
                + " for bob@example.org, dave@example.org");
        assertThat(Files.readString(spoolFile)).contains("X-Relay-Envelope-To: bob@example.org, dave@example.org\r\n\r\nCPF9999");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void should_retry_a_partial_dead_letter_only_for_its_failed_recipients() throws Exception {
        store.write(letter("partial", Instant.now(), List.of("dave@example.org"), "550 for dave"));

        int status = run("dead-letter", "retry", "partial", "--config", config.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains(" for dave@example.org");
        assertThat(err.toString()).isEmpty();
        assertThat(Files.readString(dir.resolve("spool").resolve("partial.eml"))).contains("X-Relay-Envelope-To: dave@example.org\r\n");
    }

    @Test
    void should_retry_all_and_exit_1_if_one_fails() throws Exception {
        store.write(letter("one", Instant.now()));
        store.write(letter("two", Instant.now()));
        Files.createDirectories(dir.resolve("spool"));
        Files.writeString(dir.resolve("spool").resolve("two.eml"), "someone else's message");

        int status = run("dead-letter", "retry", "--all", "--config", config.toString());

        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).contains("Retrying one:").contains("1 of 2 dead letters put back into");
        assertThat(err.toString()).contains("The spool already holds");
        assertThat(store.list()).extracting(l -> l.id()).containsExactly("two");
    }

    @Test
    void should_require_an_id_or_all_but_not_both() {
        assertThat(run("dead-letter", "retry", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required argument");
        assertThat(run("dead-letter", "retry", "x", "--all", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void should_purge_one_by_id_and_exit_1_for_an_unknown_one() {
        store.write(letter("gone", Instant.now()));

        assertThat(run("dead-letter", "purge", "gone", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("Deleted dead letter gone.");
        assertThat(store.list()).isEmpty();

        assertThat(run("dead-letter", "purge", "gone", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("No dead letter \"gone\" in ");
    }

    @Test
    void should_purge_older_than_a_duration() {
        Instant now = Instant.now();
        store.write(letter("ten-days", now.minus(Duration.ofDays(10))));
        store.write(letter("two-days", now.minus(Duration.ofDays(2))));
        store.write(letter("one-hour", now.minus(Duration.ofHours(1))));

        assertThat(run("dead-letter", "purge", "--older-than", "7d", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("Deleted 1 dead letter older than 7d from "
                + store.directory().toAbsolutePath());
        assertThat(run("dead-letter", "purge", "--older-than", "PT12H", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("Deleted 1 dead letter older than 12h");
        assertThat(store.list()).extracting(l -> l.id()).containsExactly("one-hour");
    }

    @Test
    void should_reject_a_duration_without_a_unit() {
        int status = run("dead-letter", "purge", "--older-than", "7", "--config", config.toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("'7' is not a duration: use a number with a unit, such as 7d, 12h, 30m");
    }

    @Test
    void should_read_short_combined_and_iso_durations() {
        DeadLetterCommand.AgeConverter converter = new DeadLetterCommand.AgeConverter();

        assertThat(converter.convert("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(converter.convert("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(converter.convert("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(converter.convert("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(converter.convert("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(converter.convert("PT12H")).isEqualTo(Duration.ofHours(12));
        assertThat(converter.convert("p7d")).isEqualTo(Duration.ofDays(7));
        for (String invalid : new String[] {"", "7", "d", "7w", "PT", "-1d", "1h7d"}) {
            assertThatThrownBy(() -> converter.convert(invalid)).as(invalid).isInstanceOf(TypeConversionException.class);
        }
    }

    @Test
    void should_explain_a_missing_configuration_file() {
        int status = run("dead-letter", "list", "--config", dir.resolve("nope.properties").toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("does not exist or cannot be read. Check the path given with --config.");
    }

    @Test
    void should_describe_every_subcommand_in_help() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("dead-letter");

        for (String[] expected : new String[][] {
                {"dead-letter", "List, inspect, retry and purge messages the relay could not deliver"},
                {"list", "List the dead letters, oldest first"},
                {"show", "Show everything known about one dead letter"},
                {"retry", "Put dead letters back into the spool directory"},
                {"purge", "Delete dead letters for good"}}) {
            out.getBuffer().setLength(0);
            String[] args = expected[0].equals("dead-letter")
                    ? new String[] {"dead-letter", "--help"} : new String[] {"dead-letter", expected[0], "--help"};
            assertThat(run(args)).as(expected[0]).isZero();
            assertThat(out.toString()).as(expected[0]).contains(expected[1]);
        }
        out.getBuffer().setLength(0);
        run("dead-letter", "purge", "--help");
        assertThat(out.toString()).contains("--older-than=DURATION").contains("--config=FILE").contains("7d, 12h, 30m");
    }
}
