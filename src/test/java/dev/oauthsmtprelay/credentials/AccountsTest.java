package dev.oauthsmtprelay.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.fixtures.TestCredentials;

/** Several credentials files as accounts: which account sends for a domain, and the mistakes that stop the relay. */
class AccountsTest {

    private static final String TOKEN = "https://login.example.test/token";

    @TempDir
    Path dir;

    private final AccountsReader reader = new AccountsReader(new CredentialsFileReader());

    private Path microsoft(String name, String domain, Object domains) {
        Map<String, Object> fields = TestCredentials.microsoftFields(TOKEN, domain);
        if (domains != null) {
            fields.put("domains", domains);
        }
        return TestCredentials.write(dir, name, fields);
    }

    private Path google(String name, String domain) {
        return TestCredentials.write(dir, name, TestCredentials.googleFields(TOKEN, domain));
    }

    @Test
    void the_sender_mailbox_domain_picks_the_account_and_the_alias_domain_the_primary_one() {
        Path tenantA = microsoft("tenant-a.json", "example.com", List.of("example.org"));
        Path workspace = google("workspace.json", "example.net");

        Accounts accounts = reader.read(List.of(tenantA, workspace), "example.com");

        assertThat(accounts.several()).isTrue();
        assertThat(accounts.primary().name()).isEqualTo("tenant-a");
        assertThat(accounts.domains()).containsExactly("example.com", "example.org", "example.net");
        assertThat(accounts.forMailbox("payroll@EXAMPLE.org").map(Account::name)).contains("tenant-a");
        assertThat(accounts.forMailbox("scanner@example.net").map(Account::name)).contains("workspace");
        assertThat(accounts.forMailbox("scanner@sub.example.net")).as("subdomains do not count").isEmpty();
        assertThat(accounts.forMailbox("no-domain")).isEmpty();
        assertThat(accounts.named("workspace").map(a -> a.credentials().provider())).contains(Provider.GOOGLE);
        assertThat(accounts.primary().describe()).isEqualTo("tenant-a (Microsoft 365, example.com, example.org)");
    }

    @Test
    void the_alias_domain_may_be_another_account_than_the_first_file() {
        Accounts accounts = reader.read(List.of(google("a.json", "example.net"), microsoft("b.json", "example.com", null)),
                "example.com");

        assertThat(accounts.primary().name()).isEqualTo("b");
        assertThat(accounts.domains()).containsExactly("example.com", "example.net");
    }

    @Test
    void two_files_that_claim_one_domain_fail_with_both_file_names() {
        Path first = microsoft("tenant-a.json", "example.com", List.of("example.org"));
        Path second = google("workspace.json", "example.org");

        assertThatThrownBy(() -> reader.read(List.of(first, second), "example.com"))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining(second.toString())
                .hasMessageContaining("\"example.org\" is also served by " + first)
                .hasMessageContaining("remove it from one of the two files");
    }

    @Test
    void an_alias_domain_that_no_file_serves_fails_listing_the_accounts() {
        Path first = microsoft("tenant-a.json", "example.com", null);
        Path second = google("workspace.json", "example.net");

        assertThatThrownBy(() -> reader.read(List.of(first, second), "example.biz"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("relay.alias-domain is example.biz, but no credentials file serves it")
                .hasMessageContaining("tenant-a (Microsoft 365, example.com)")
                .hasMessageContaining("workspace (Google Workspace, example.net)")
                .hasMessageContaining("Add \"example.biz\" to the \"domains\"");
    }

    @Test
    void two_files_with_one_name_in_different_directories_are_refused() throws Exception {
        Path other = Files.createDirectory(dir.resolve("other"));
        Path first = microsoft("tenant.json", "example.com", null);
        Path second = TestCredentials.write(other, "tenant.json", TestCredentials.googleFields(TOKEN, "example.net"));

        assertThatThrownBy(() -> reader.read(List.of(first, second), "example.com"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("two credentials files called tenant.json")
                .hasMessageContaining("rename one of them");
    }

    @Test
    void a_single_file_may_list_the_alias_domain_among_its_domains() {
        Path file = microsoft("o365.json", "example.com", "example.org, Example.NET");

        Accounts accounts = reader.read(List.of(file), "example.net");

        assertThat(accounts.several()).isFalse();
        assertThat(accounts.primary().domains()).containsExactly("example.com", "example.org", "example.net");
    }

    @Test
    void a_single_file_for_another_domain_keeps_the_old_check() {
        Path file = microsoft("o365.json", "example.com", null);

        assertThatThrownBy(() -> reader.read(List.of(file), "example.org"))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("\"domain\": is \"example.com\" but relay.alias-domain is \"example.org\"");
    }

    @Test
    void the_reason_for_a_mailbox_no_account_serves_names_its_domain_and_the_accounts() {
        Accounts accounts = reader.read(List.of(microsoft("a.json", "example.com", null), google("b.json", "example.net")),
                "example.com");

        assertThat(accounts.noAccountReason("ops@unknown.test"))
                .contains("its domain unknown.test is served by none of the credentials files")
                .contains("a (Microsoft 365, example.com); b (Google Workspace, example.net)")
                .contains("Add \"unknown.test\" to the \"domains\"", "relay.users");
    }

    @Test
    void domains_and_hub_fields_are_read_and_each_mistake_names_its_fix() {
        Map<String, Object> fields = TestCredentials.microsoftFields(TOKEN, "example.com");
        fields.put("domains", List.of("example.org", "not a domain", "*.example.net"));
        fields.put("smtp_host", "smtp.example.com:587");
        fields.put("smtp_port", 70000);
        fields.put("smtp_tls", "none");
        Path file = TestCredentials.write(dir, "bad.json", fields);

        assertThatThrownBy(() -> new CredentialsFileReader().readAccount(file, null))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("\"domains\": \"not a domain\" is not a mail domain")
                .hasMessageContaining("\"domains\": \"*.example.net\" is not a mail domain")
                .hasMessageContaining("\"smtp_host\": is \"smtp.example.com:587\". Give the host name only")
                .hasMessageContaining("\"smtp_port\": is 70000. Give a port number from 1 to 65535")
                .hasMessageContaining("\"smtp_tls\": is \"none\". Use \"starttls\" (port 587) or \"implicit\"");
    }

    @Test
    void domains_that_are_not_strings_are_refused() {
        Map<String, Object> fields = TestCredentials.microsoftFields(TOKEN, "example.com");
        fields.put("domains", List.of(42));

        assertThatThrownBy(() -> new CredentialsFileReader().readAccount(TestCredentials.write(dir, "n.json", fields), null))
                .hasMessageContaining("\"domains\": holds number 42. Write the alias domains as strings");
        fields.put("domains", Map.of("a", "b"));
        assertThatThrownBy(() -> new CredentialsFileReader().readAccount(TestCredentials.write(dir, "o.json", fields), null))
                .hasMessageContaining("\"domains\": must be a list of domains");
    }

    @Test
    void the_hub_a_file_names_is_kept_field_by_field() {
        Map<String, Object> fields = TestCredentials.microsoftFields(TOKEN, "example.com");
        fields.put("smtp_host", "smtp-hve.office365.com");
        fields.put("smtp_tls", "IMPLICIT");
        Account account = new CredentialsFileReader().readAccount(TestCredentials.write(dir, "hve.json", fields), null);

        assertThat(account.hub()).isEqualTo(new AccountHub(Optional.of("smtp-hve.office365.com"), Optional.empty(),
                Optional.of("implicit")));
        fields.remove("smtp_host");
        fields.remove("smtp_tls");
        fields.put("smtp_port", "2587");
        Account portOnly = new CredentialsFileReader().readAccount(TestCredentials.write(dir, "p.json", fields), null);
        assertThat(portOnly.hub()).isEqualTo(new AccountHub(Optional.empty(), Optional.of(2587), Optional.empty()));
    }

    @Test
    void the_sample_file_for_a_second_account_reads_as_one() throws Exception {
        Path accounts = Files.createDirectory(dir.resolve("accounts"));
        Path sample = accounts.resolve("subsidiary.json");
        Files.writeString(sample, Files.readString(Path.of("config/microsoft-subsidiary-credentials.sample.json"))
                .replace("REPLACE-WITH-THE-EXPIRY-DATE-YYYY-MM-DD", "2027-06-30"));
        Files.setPosixFilePermissions(sample,
                PosixFilePermissions.fromString("rw-------"));

        Accounts read = reader.read(List.of(microsoft("group.json", "example.com", null), sample), "example.com");

        Account subsidiary = read.named("subsidiary").orElseThrow();
        assertThat(subsidiary.domains()).containsExactly("subsidiary.example", "subsidiary.example.net");
        assertThat(subsidiary.hub()).isEqualTo(new AccountHub(Optional.of("smtp.office365.com"), Optional.of(587),
                Optional.of("starttls")));
    }
}
