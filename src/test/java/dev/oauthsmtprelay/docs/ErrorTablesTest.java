package dev.oauthsmtprelay.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The error tables of the setup guides and the code that explains provider replies cannot drift apart: every
 * Entra AADSTS code and every SMTP enhanced status code in the tables' first column has its own branch in the code,
 * and every code the code singles out has its row.
 */
class ErrorTablesTest {

    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");
    private static final Pattern ENHANCED = Pattern.compile("(?<![\\d.])([245]\\.\\d\\.\\d{1,3})(?![\\d.])");
    private static final Pattern CASE = Pattern.compile("case ((?:\"\\d+\"(?:, )?)+) ->");
    private static final Pattern CONTAINS = Pattern.compile("contains\\(\"([245]\\.\\d\\.\\d{1,3})\"\\)");
    private static final Path MAIN = Path.of("src/main/java/dev/oauthsmtprelay");
    private static final Pattern GRAPH_CASE = Pattern.compile("case ((?:\"[A-Za-z0-9_]+\"(?:, )?)+) ->");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    @Test
    void every_code_in_the_guides_tables_is_explained_by_the_code_and_the_other_way_round() throws IOException {
        Set<String> documented = new TreeSet<>();
        documented.addAll(tableCodes(Path.of("docs/setup-microsoft.md")));
        documented.addAll(tableCodes(Path.of("docs/setup-google.md")));

        Set<String> explained = new TreeSet<>();
        Matcher cases = CASE.matcher(Files.readString(MAIN.resolve("oauth/MicrosoftErrors.java")));
        while (cases.find()) {
            for (String code : cases.group(1).replace("\"", "").split(", ")) {
                explained.add("AADSTS" + code);
            }
        }
        for (String file : new String[] {"delivery/smtp/SmtpReplies.java", "delivery/smtp/SendingLimitReplies.java"}) {
            Matcher contains = CONTAINS.matcher(Files.readString(MAIN.resolve(file)));
            while (contains.find()) {
                explained.add(contains.group(1));
            }
        }

        // both sides were read: a parsing slip must not make the comparison empty
        assertThat(documented).contains("AADSTS7000215", "5.7.139", "5.4.5");
        assertThat(explained).contains("AADSTS7000215", "5.7.139", "5.4.5");
        assertThat(documented).as("codes in the guides' tables without their own explanation in the code")
                .isSubsetOf(explained);
        assertThat(explained).as("codes the code explains without a row in the guides' tables")
                .isSubsetOf(documented);
    }

    @Test
    void every_graph_code_in_the_microsoft_guide_has_its_branch_in_graph_errors_and_the_other_way_round()
            throws IOException {
        String guide = Files.readString(Path.of("docs/setup-microsoft.md"));
        Set<String> documented = new TreeSet<>();
        for (String line : guide.substring(guide.indexOf("Graph errors (")).split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            Matcher cell = BACKTICKED.matcher(line.substring(2, line.indexOf(" | ", 2)));
            while (cell.find()) {
                for (String word : cell.group(1).split(" ")) {
                    if (word.matches("[A-Z][A-Za-z0-9_]+")) {
                        documented.add(word);
                    }
                }
            }
        }
        Set<String> explained = new TreeSet<>();
        Matcher cases = GRAPH_CASE.matcher(Files.readString(MAIN.resolve("delivery/graph/GraphErrors.java")));
        while (cases.find()) {
            for (String code : cases.group(1).replace("\"", "").split(", ")) {
                explained.add(code);
            }
        }

        assertThat(documented).contains("ErrorAccessDenied", "MailboxNotEnabledForRESTAPI");
        assertThat(explained).contains("ErrorAccessDenied", "ErrorSendAsDenied");
        assertThat(documented).as("Graph codes in the guide without their own branch").isEqualTo(explained);
    }

    /** The codes in the first column of the tables under "## Common errors". */
    private static Set<String> tableCodes(Path guide) throws IOException {
        String text = Files.readString(guide);
        String errors = text.substring(text.indexOf("## Common errors"));
        Set<String> codes = new TreeSet<>();
        for (String line : errors.split("\n")) {
            if (!line.startsWith("| ") || line.startsWith("| ---") || line.startsWith("| What you see")
                    || line.startsWith("| Gmail's reply") || line.startsWith("| Google's answer")) {
                continue;
            }
            String first = line.substring(2, line.indexOf(" | ", 2) < 0 ? line.length() : line.indexOf(" | ", 2));
            Matcher aadsts = AADSTS.matcher(first);
            while (aadsts.find()) {
                codes.add("AADSTS" + aadsts.group(1));
            }
            Matcher enhanced = ENHANCED.matcher(first);
            while (enhanced.find()) {
                codes.add(enhanced.group(1));
            }
        }
        return codes;
    }
}
