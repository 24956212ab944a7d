package dev.oauthsmtprelay.delivery;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static dev.oauthsmtprelay.fixtures.SenderMail.deliveredFrom;
import static dev.oauthsmtprelay.fixtures.SenderMail.eml;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.delivery.pacing.DailyQuota;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.HttpGet;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.sandbox.SandboxTokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * Several credentials files in one relay, through the real routes, broker, token servers and hubs: each message is
 * sent by the account that serves its sender's domain, with that account's token and to that account's hub, and one
 * account's refused secret holds only that account's mail.
 */
class AccountsDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private static Map<String, Object> tenantFields(SandboxTokenServer tenant, String secret, String domain) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("type", "microsoft_app");
        fields.put("tenant_id", tenant.tenantId());
        fields.put("client_id", tenant.clientId());
        fields.put("client_secret", secret);
        fields.put("scope", SandboxTokenServer.SCOPE);
        fields.put("token_endpoint", tenant.tokenEndpoint().toString());
        fields.put("domain", domain);
        return fields;
    }

    @Test
    void two_tenants_each_with_its_hub_and_one_refused_secret_pause_that_account_only_until_its_file_is_fixed()
            throws Exception {
        SandboxTokenServer tenantA = bed.closeAfter(SandboxTokenServer.start());
        SandboxTokenServer tenantB = bed.closeAfter(SandboxTokenServer.start());
        XOAuth2SmtpHub hubA = bed.hub(builder -> builder.tokenValidator((mailbox, token) -> tenantA.verify(token)));
        XOAuth2SmtpHub hubB = bed.closeAfter(XOAuth2SmtpHub.builder()
                .tokenValidator((mailbox, token) -> tenantB.verify(token)).start());
        Path accounts = Files.createDirectory(dir.resolve("accounts"));
        TestCredentials.write(accounts, "group.json", tenantFields(tenantA, tenantA.clientSecret(), "example.com"));
        Map<String, Object> subsidiary = tenantFields(tenantB, "an-old-secret-that-was-rotated", "example.org");
        subsidiary.put("domains", List.of("example.biz"));
        subsidiary.put("smtp_host", hubB.hostName());
        subsidiary.put("smtp_port", hubB.port());
        TestCredentials.write(accounts, "subsidiary.json", subsidiary);
        int port = FreePort.find();
        RelayHarness relay = bed.harness(dir, accounts, Map.of("relay.health.port", port,
                "relay.token.backoff.max", "200ms")).start();
        MailboxPauses pauses = relay.context().getRegistry().lookupByNameAndType(MailboxPauses.BEAN, MailboxPauses.class);

        for (int i = 0; i < 2; i++) {
            relay.drop("billing-" + i + ".eml", eml("billing@example.org", i));
        }
        relay.drop("sales.eml", eml("sales@example.biz", 9));
        await(WAIT, () -> !pauses.pausedAccounts().isEmpty(), () -> "the subsidiary account paused");
        for (int i = 0; i < 3; i++) {
            relay.drop("payroll-" + i + ".eml", eml("payroll@example.com", i));
        }

        await(WAIT, () -> deliveredFrom(hubA, "payroll@example.com").size() == 3,
                () -> "the group account's 3 messages delivered to its hub, got " + hubA.messageCount());
        await(WAIT, () -> relay.queueDepth() == 3, () -> "the subsidiary's 3 messages stay queued, depth "
                + relay.queueDepth());
        assertThat(hubB.messageCount()).isZero();
        assertThat(hubA.messageCount()).as("no subsidiary mail went to the group's hub").isEqualTo(3);
        assertThat(pauses.paused()).as("the account is paused, not single mailboxes").isEmpty();
        assertThat(pauses.pausedAccounts()).singleElement().satisfies(pause -> {
            assertThat(pause.account()).isEqualTo("subsidiary");
            assertThat(pause.cause()).contains("AADSTS7000215");
        });
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();

        JsonNode status = JSON.readTree(HttpGet.get(port, "/status").body());
        assertThat(status.get("paused").asBoolean()).as("delivery as a whole runs").isFalse();
        assertThat(status.get("pausedAccounts")).singleElement().satisfies(pause -> {
            assertThat(pause.get("account").asText()).isEqualTo("subsidiary");
            assertThat(pause.get("reason").asText()).contains("AADSTS7000215");
        });
        HttpResponse<String> ready = HttpGet.get(port, "/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("account subsidiary").doesNotContain("an-old-secret");
        assertThat(HttpGet.get(port, "/metrics").body()).contains("relay_accounts_paused 1.0");

        TestCredentials.write(accounts, "subsidiary.json", subsidiaryWith(subsidiary, tenantB.clientSecret()));

        await(WAIT, () -> hubB.messageCount() == 3, () -> "the subsidiary's 3 messages delivered to its own hub after "
                + "the fix, got " + hubB.messageCount());
        assertThat(deliveredFrom(hubB, "billing@example.org")).hasSize(2);
        assertThat(deliveredFrom(hubB, "sales@example.biz")).hasSize(1);
        await(WAIT, () -> pauses.pausedAccounts().isEmpty(), () -> "the account's pause ended");
        await(WAIT, () -> relay.queueDepth() == 0, () -> "the queue drained");
        assertThat(hubA.messageCount()).as("nothing sent twice").isEqualTo(3);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }

    private static Map<String, Object> subsidiaryWith(Map<String, Object> fields, String secret) {
        Map<String, Object> fixed = new LinkedHashMap<>(fields);
        fixed.put("client_secret", secret);
        return fixed;
    }

    /** One hub that takes Microsoft application tokens for example.com and Google mailbox tokens for example.net. */
    private XOAuth2SmtpHub hubForBothProviders() {
        IssuedTokens microsoft = IssuedTokens.applicationTokens(bed.tokens(), "tenant");
        IssuedTokens google = IssuedTokens.mailboxTokens(bed.tokens(), "google");
        return bed.hub(builder -> builder.tokenValidator((mailbox, token) ->
                mailbox.endsWith("@example.net") ? google.test(mailbox, token) : microsoft.test(mailbox, token)));
    }

    /** The Microsoft 365 file (example.com), the primary account of {@link #credentialsOfBoth()}. */
    private Path o365File() {
        return TestCredentials.microsoftFile(dir, bed.tokens());
    }

    /** relay.credentials with a Microsoft 365 account for example.com and a Google Workspace one for example.net. */
    private String credentialsOfBoth() {
        Path workspace = TestCredentials.write(dir, "workspace.json",
                TestCredentials.googleFields(bed.tokens().tokenEndpoint("google"), "example.net"));
        return o365File() + "," + workspace;
    }

    @Test
    void a_google_workspace_and_a_microsoft_tenant_side_by_side_each_send_with_their_own_tokens() throws Exception {
        XOAuth2SmtpHub hub = hubForBothProviders();
        Path users = Files.writeString(dir.resolve("users.txt"), "QSYSOPR = operator@example.net\n");
        RelayHarness relay = bed.harness(dir, o365File(), Map.of("relay.credentials", credentialsOfBoth(),
                "relay.users", users)).start();

        relay.drop("ops.eml", eml("QSYSOPR@ibmi.local", 1));
        relay.drop("scan.eml", eml("scanner@example.net", 2));
        relay.drop("invoice.eml", eml("invoices@example.com", 3));
        relay.drop("stray.eml", eml("someone@elsewhere.test", 4));

        await(WAIT, () -> hub.messageCount() == 3, () -> "3 messages delivered, got " + hub.messageCount());
        assertThat(deliveredFrom(hub, "operator@example.net")).as("a local sender mapped into the Google domain")
                .hasSize(1);
        assertThat(deliveredFrom(hub, "scanner@example.net")).hasSize(1);
        assertThat(deliveredFrom(hub, "invoices@example.com")).hasSize(1);
        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "the stray sender dead-lettered");
        String deadLetter;
        try (var files = Files.list(relay.deadLetterDir())) {
            deadLetter = Files.readString(files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow());
        }
        assertThat(deadLetter).contains("someone@elsewhere.test", "example.com", "example.net");
    }

    @Test
    void each_mailbox_gets_the_limits_of_its_own_provider_when_both_providers_are_in_one_relay() throws Exception {
        XOAuth2SmtpHub hub = hubForBothProviders();
        // unset: the providers' defaults
        RelayHarness relay = bed.harness(dir, o365File(), Map.of("relay.credentials", credentialsOfBoth(),
                "relay.pacing.messages-per-minute", "", "relay.quota.messages-per-day", "")).start();

        for (int i = 0; i < 35; i++) {
            relay.drop("invoice-" + i + ".eml", eml("invoices@example.com", i));
            relay.drop("scan-" + i + ".eml", eml("scanner@example.net", i));
        }

        await(WAIT, () -> deliveredFrom(hub, "scanner@example.net").size() == 35,
                () -> "the Google mailbox is not paced to Exchange's rate: 35 delivered, got "
                        + deliveredFrom(hub, "scanner@example.net").size());
        await(WAIT, () -> deliveredFrom(hub, "invoices@example.com").size() == 30,
                () -> "30 from the Microsoft 365 mailbox, got " + deliveredFrom(hub, "invoices@example.com").size());
        Thread.sleep(2000);
        assertThat(deliveredFrom(hub, "invoices@example.com")).as("Exchange's 30 a minute").hasSize(30);
        assertThat(hub.heldBackByRate("invoices@example.com", 30)).isZero();
        assertThat(relay.queueDepth()).as("the other 5 wait in the queue for their slot").isEqualTo(5);
        DailyQuota quota = relay.context().getRegistry().findSingleByType(DailyQuota.class);
        assertThat(quota.usage("scanner@example.net").messageLimit()).as("Gmail's daily limit").isEqualTo(2000);
        assertThat(quota.usage("scanner@example.net").messages()).isEqualTo(35);
        assertThat(quota.usage("invoices@example.com").messageLimit()).as("none for Microsoft 365").isZero();
    }
}
