package dev.oauthsmtprelay.delivery.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.ConfigurationException;

class UserMappingTest {

    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("users.properties"), List.of(lines), StandardCharsets.UTF_8);
    }

    private static InvalidUserMappingException invalid(String... lines) {
        return catchThrowableOfType(InvalidUserMappingException.class,
                () -> UserMapping.parse(List.of(lines), null, "example.com"));
    }

    @Test
    void should_read_user_profiles_and_addresses_ignoring_comments_blank_lines_and_case() throws IOException {
        UserMapping mapping = UserMapping.load(file(
                "# IBM i user profiles",
                "QSYSOPR = Operator@Example.com",
                "",
                "   PAYROLL=payroll@example.com   # the payroll jobs",
                "Batch@ERP.internal = erp@example.com"), "Example.COM");

        assertThat(mapping.size()).isEqualTo(3);
        assertThat(mapping.mailboxForUserProfile("qsysopr")).contains("operator@example.com");
        assertThat(mapping.mailboxForUserProfile("PayRoll")).contains("payroll@example.com");
        assertThat(mapping.mailboxForAddress("batch@erp.INTERNAL")).contains("erp@example.com");
        assertThat(mapping.mailboxForUserProfile("batch")).isEmpty();
        assertThat(mapping.mailboxForAddress("qsysopr@ibmi.local")).isEmpty();
        assertThat(mapping.file()).contains(dir.resolve("users.properties"));
    }

    @Test
    void should_accept_ibm_i_profile_characters_and_a_byte_order_mark() {
        UserMapping mapping = UserMapping.parse(List.of("\uFEFFQ$OPR#1 = ops@example.com", "SYS_OP = sys@example.com"),
                null, "example.com");

        assertThat(mapping.mailboxForUserProfile("q$opr#1")).contains("ops@example.com");
        assertThat(mapping.mailboxForUserProfile("SYS_OP")).contains("sys@example.com");
    }

    @Test
    void should_report_a_line_without_equals_sign_as_malformed_with_its_line_number() {
        InvalidUserMappingException e = invalid("# comment", "QSYSOPR operator@example.com");

        assertThat(e.problems()).singleElement().asString()
                .startsWith("line 2: malformed line \"QSYSOPR operator@example.com\": no '='")
                .contains("write local-sender = mailbox@example.com");
    }

    @Test
    void should_report_missing_sides_and_invalid_local_senders_as_malformed() {
        InvalidUserMappingException e = invalid("= operator@example.com", "QSYSOPR =", "Q SYS = a@example.com",
                "bad@@host = a@example.com");

        assertThat(e.problems()).hasSize(4);
        assertThat(e.problems().get(0)).startsWith("line 1: malformed line").contains("the local sender is missing");
        assertThat(e.problems().get(1)).startsWith("line 2: malformed line").contains("the mailbox is missing");
        assertThat(e.problems().get(2)).startsWith("line 3: malformed line: local sender \"Q SYS\"");
        assertThat(e.problems().get(3)).startsWith("line 4: malformed line: local sender \"bad@@host\" is not a valid address");
    }

    @Test
    void should_report_an_invalid_mailbox() {
        InvalidUserMappingException e = invalid("QSYSOPR = Operator <operator@example.com>", "PAYROLL = payroll");

        assertThat(e.problems()).containsExactly(
                "line 1: invalid mailbox \"Operator <operator@example.com>\" for QSYSOPR: write the bare mailbox, "
                        + "e.g. operator@example.com (no display name, no <>, no spaces).",
                "line 2: invalid mailbox \"payroll\" for PAYROLL: write the bare mailbox, e.g. operator@example.com "
                        + "(no display name, no <>, no spaces).");
    }

    @Test
    void should_refuse_a_mailbox_outside_the_alias_domain_including_subdomains() {
        InvalidUserMappingException e = invalid("QSYSOPR = operator@example.org", "PAYROLL = payroll@mail.example.com");

        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0)).isEqualTo("line 1: mailbox operator@example.org for QSYSOPR is outside the "
                + "alias domain example.com (relay.alias-domain): the provider could never issue a token for it, so "
                + "every message from QSYSOPR would fail. Use a mailbox @example.com.");
        assertThat(e.problems().get(1)).startsWith("line 2: mailbox payroll@mail.example.com for PAYROLL is outside");
    }

    @Test
    void should_refuse_a_duplicate_local_sender_ignoring_case() {
        InvalidUserMappingException e = invalid("QSYSOPR = a@example.com", "batch@erp = b@example.com",
                "qsysopr = c@example.com", "BATCH@ERP = d@example.com");

        assertThat(e.problems()).containsExactly(
                "line 3: duplicate local sender qsysopr, already mapped on line 1 (names are compared ignoring case). "
                        + "Keep one of the two lines.",
                "line 4: duplicate local sender BATCH@ERP, already mapped on line 2 (names are compared ignoring case). "
                        + "Keep one of the two lines.");
    }

    @Test
    void should_name_the_file_and_list_every_problem_in_the_message() throws IOException {
        Path file = file("QSYSOPR", "PAYROLL = payroll@example.org");

        assertThatThrownBy(() -> UserMapping.load(file, "example.com"))
                .isInstanceOf(InvalidUserMappingException.class)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("User mapping file " + file.toAbsolutePath() + " (relay.users) cannot be used:")
                .hasMessageContaining("\n  - line 1: malformed line")
                .hasMessageContaining("\n  - line 2: mailbox payroll@example.org");
    }

    @Test
    void should_explain_a_missing_file() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> UserMapping.load(missing, "example.com"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("relay.users names " + missing.toAbsolutePath() + ", which does not exist. Create it with "
                        + "lines such as QSYSOPR = operator@example.com, or remove relay.users.");
    }

    @Test
    void should_explain_a_file_that_is_not_utf8() throws IOException {
        Path file = Files.write(dir.resolve("latin1.properties"), "QSYSOPR = op\u00e9@example.com\n"
                .getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> UserMapping.load(file, "example.com"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not UTF-8 text");
    }

    @Test
    void should_be_empty_without_mappings() {
        assertThat(UserMapping.empty().isEmpty()).isTrue();
        assertThat(UserMapping.parse(List.of("# nothing yet", ""), null, "example.com").isEmpty()).isTrue();
    }
}
