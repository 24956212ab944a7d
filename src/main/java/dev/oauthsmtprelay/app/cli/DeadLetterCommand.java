package dev.oauthsmtprelay.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupSummaryLevel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.deadletter.DeadLetter;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.deadletter.DeadLetterSummary;
import dev.oauthsmtprelay.deadletter.RetriedDeadLetter;
import dev.oauthsmtprelay.message.MimeHeaderSection;

/**
 * {@code dead-letter list|show|retry|purge}: what administrators of file-drop systems use instead
 * of a mail queue viewer. Only the data and spool directories are read from the configuration;
 * the credentials are not, so these commands work while the credentials are broken.
 */
@Command(name = "dead-letter", mixinStandardHelpOptions = true,
        description = "List, inspect, retry and purge messages the relay could not deliver (kept in "
                + "<relay.data.dir>/deadletter with the reason). These commands do not read the credentials.",
        subcommands = {DeadLetterCommand.ListCommand.class, DeadLetterCommand.ShowCommand.class,
                DeadLetterCommand.RetryCommand.class, DeadLetterCommand.PurgeCommand.class})
class DeadLetterCommand {

    final Clock clock;

    DeadLetterCommand() {
        this(Clock.systemUTC());
    }

    DeadLetterCommand(Clock clock) {
        this.clock = clock;
    }

    /** The directories a subcommand works on, resolved from --config without touching the credentials. */
    record Directories(DeadLetterStore store, Path spool) {

        static Directories of(ConfigOption config) {
            CamelContext context = config.propertiesContext();
            try {
                RelaySettings settings = RelaySettings.of(context);
                return new Directories(DeadLetterStore.inDataDir(settings.dataDir()), settings.spoolDir());
            } finally {
                // Never started; Off keeps Camel's shutdown summary off the administrator's terminal.
                context.setStartupSummaryLevel(StartupSummaryLevel.Off);
                context.stop();
            }
        }
    }

    /** Shared by the subcommands: output streams, error reporting and exit codes. */
    abstract static class Subcommand implements Callable<Integer> {

        @Mixin
        ConfigOption config;

        @ParentCommand
        DeadLetterCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                return run(Directories.of(config), out, err);
            } catch (RuntimeException e) {
                err.println(e.getMessage());
                return 1;
            } finally {
                out.flush();
                err.flush();
            }
        }

        abstract int run(Directories directories, PrintWriter out, PrintWriter err);

        Instant now() {
            return parent == null ? Instant.now() : parent.clock.instant();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the dead letters, oldest first, one per line: id, age since the last delivery "
                    + "attempt, sender, recipients and the reason delivery failed.")
    static class ListCommand extends Subcommand {

        @Override
        int run(Directories directories, PrintWriter out, PrintWriter err) {
            List<DeadLetterSummary> letters = directories.store().list();
            if (letters.isEmpty()) {
                out.println("No dead letters in " + directories.store().directory().toAbsolutePath() + ".");
                return 0;
            }
            int idWidth = Math.max(2, letters.stream().mapToInt(l -> l.id().length()).max().orElse(2));
            String format = "%-" + idWidth + "s  %5s  %-30s  %-30s  %s%n";
            out.printf(format, "ID", "AGE", "SENDER", "RECIPIENTS", "REASON");
            for (DeadLetterSummary letter : letters) {
                out.printf(format, letter.id(), Text.age(letter.lastAttempt(), now()),
                        Text.truncate(sender(letter), 30), Text.truncate(recipients(letter.recipients()), 30),
                        Text.truncate(Text.oneLine(letter.reason()), 80));
            }
            out.println(letters.size() + (letters.size() == 1 ? " dead letter" : " dead letters") + " in "
                    + directories.store().directory().toAbsolutePath() + ". Details: dead-letter show ID");
            return 0;
        }

        private static String sender(DeadLetterSummary letter) {
            if (letter.senderMailbox() != null) {
                return letter.senderMailbox();
            }
            return letter.mailFrom().isEmpty() ? "(none)" : letter.mailFrom();
        }

        private static String recipients(List<String> recipients) {
            if (recipients.isEmpty()) {
                return "(none)";
            }
            String more = recipients.size() > 1 ? " (+" + (recipients.size() - 1) + ")" : "";
            return Text.truncate(recipients.get(0), 30 - more.length()) + more;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show everything known about one dead letter: envelope, sender mailbox, attempts, "
                    + "the reason and the hub's reply, and the message headers.")
    static class ShowCommand extends Subcommand {

        @Parameters(paramLabel = "ID", description = "Dead letter id, as 'dead-letter list' shows it.")
        String id;

        @Override
        int run(Directories directories, PrintWriter out, PrintWriter err) {
            DeadLetter letter = directories.store().read(id);
            Path file = directories.store().directory().resolve(id + ".eml").toAbsolutePath();
            out.println("id:             " + letter.id());
            out.println("source:         " + letter.source());
            out.println("mail from:      " + (letter.mailFrom().isEmpty() ? "(none)" : letter.mailFrom()));
            out.println("sender mailbox: " + (letter.senderMailbox() == null ? "(not resolved)" : letter.senderMailbox()));
            out.println("recipients:     " + (letter.recipients().isEmpty() ? "(none)" : String.join(", ", letter.recipients())));
            out.println("attempts:       " + letter.attempts());
            out.println("first attempt:  " + letter.firstAttempt());
            out.println("last attempt:   " + letter.lastAttempt() + " (" + Text.age(letter.lastAttempt(), now()) + " ago)");
            out.println("reason:         " + letter.reason());
            out.println("smtp reply:     " + (letter.smtpReply() == null ? "(none)" : letter.smtpReply()));
            out.println("message:        " + file + " (" + letter.mime().length + " bytes)");
            out.println();
            out.println(MimeHeaderSection.read(letter.mime()).text());
            return 0;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Put dead letters back into the spool directory (relay.spool.dir), where the running relay "
                    + "picks them up again (or at its next start), and remove them from the dead letters. "
                    + "Fix the cause first: the reason shown by 'dead-letter show ID' says what to change.")
    static class RetryCommand extends Subcommand {

        @ArgGroup(exclusive = true, multiplicity = "1")
        Selection selection;

        static class Selection {
            @Parameters(paramLabel = "ID", description = "Dead letter id, as 'dead-letter list' shows it.")
            String id;

            @Option(names = "--all", required = true, description = "Retry every dead letter.")
            boolean all;
        }

        @Override
        int run(Directories directories, PrintWriter out, PrintWriter err) {
            if (!selection.all) {
                report(directories.store().retry(selection.id, directories.spool()), out);
                return 0;
            }
            List<DeadLetterSummary> letters = directories.store().list();
            int failed = 0;
            for (DeadLetterSummary letter : letters) {
                try {
                    report(directories.store().retry(letter.id(), directories.spool()), out);
                } catch (RuntimeException e) {
                    err.println(e.getMessage());
                    failed++;
                }
            }
            out.println((letters.size() - failed) + " of " + letters.size() + " dead letters put back into "
                    + directories.spool().toAbsolutePath() + ".");
            return failed == 0 ? 0 : 1;
        }

        private static void report(RetriedDeadLetter retried, PrintWriter out) {
            out.println("Retrying " + retried.id() + ": queued as " + retried.spoolFile().toAbsolutePath()
                    + (retried.recipients().isEmpty() ? " (recipients from its headers)"
                            : " for " + String.join(", ", retried.recipients())));
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete dead letters for good: one by id, or all whose last delivery attempt is older "
                    + "than a duration.")
    static class PurgeCommand extends Subcommand {

        @ArgGroup(exclusive = true, multiplicity = "1")
        Selection selection;

        static class Selection {
            @Parameters(paramLabel = "ID", description = "Dead letter id, as 'dead-letter list' shows it.")
            String id;

            @Option(names = "--older-than", paramLabel = "DURATION", required = true, converter = AgeConverter.class,
                    description = "Delete dead letters whose last attempt is older than this: 7d, 12h, 30m, 45s, "
                            + "combined (1d12h) or ISO-8601 (P7D, PT12H).")
            Duration olderThan;
        }

        @Override
        int run(Directories directories, PrintWriter out, PrintWriter err) {
            DeadLetterStore store = directories.store();
            if (selection.olderThan == null) {
                if (!store.delete(selection.id)) {
                    err.println("No dead letter \"" + selection.id + "\" in " + store.directory().toAbsolutePath()
                            + ". 'dead-letter list' shows the ids there.");
                    return 1;
                }
                out.println("Deleted dead letter " + selection.id + ".");
                return 0;
            }
            int purged = store.purgeOlderThan(selection.olderThan, Clock.fixed(now(), ZoneOffset.UTC));
            out.println("Deleted " + purged + (purged == 1 ? " dead letter" : " dead letters") + " older than "
                    + Text.duration(selection.olderThan) + " from " + store.directory().toAbsolutePath() + ".");
            return 0;
        }
    }

    /** Reads 7d, 12h, 30m, 45s, 1d12h and ISO-8601 durations (P7D, PT12H). */
    static class AgeConverter implements ITypeConverter<Duration> {

        private static final Pattern UNITS = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?",
                Pattern.CASE_INSENSITIVE);

        @Override
        public Duration convert(String value) {
            String text = value.trim();
            if (text.startsWith("P") || text.startsWith("p")) {
                try {
                    return Duration.parse(text.toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    throw invalid(value);
                }
            }
            Matcher units = UNITS.matcher(text);
            if (text.isEmpty() || !units.matches()) {
                throw invalid(value);
            }
            return Duration.ofDays(number(units.group(1))).plusHours(number(units.group(2)))
                    .plusMinutes(number(units.group(3))).plusSeconds(number(units.group(4)));
        }

        private static long number(String digits) {
            return digits == null ? 0 : Long.parseLong(digits);
        }

        private static TypeConversionException invalid(String value) {
            return new TypeConversionException("'" + value + "' is not a duration: use a number with a unit, such "
                    + "as 7d, 12h, 30m or 45s (combined: 1d12h), or ISO-8601 such as P7D or PT12H.");
        }
    }

    /** Formatting for the one-line listing. */
    static final class Text {

        private Text() {
        }

        static String age(Instant since, Instant now) {
            long seconds = Math.max(0, Duration.between(since, now).getSeconds());
            if (seconds < 60) {
                return seconds + "s";
            }
            if (seconds < 3600) {
                return seconds / 60 + "m";
            }
            if (seconds < 48 * 3600) {
                return seconds / 3600 + "h";
            }
            return seconds / 86400 + "d";
        }

        static String duration(Duration duration) {
            long seconds = duration.getSeconds();
            if (seconds % 86400 == 0 && seconds > 0) {
                return seconds / 86400 + "d";
            }
            if (seconds % 3600 == 0 && seconds > 0) {
                return seconds / 3600 + "h";
            }
            if (seconds % 60 == 0 && seconds > 0) {
                return seconds / 60 + "m";
            }
            return seconds + "s";
        }

        static String oneLine(String text) {
            return text.replaceAll("\\s+", " ").trim();
        }

        static String truncate(String text, int width) {
            return text.length() <= width ? text : text.substring(0, Math.max(0, width - 3)) + "...";
        }
    }
}
