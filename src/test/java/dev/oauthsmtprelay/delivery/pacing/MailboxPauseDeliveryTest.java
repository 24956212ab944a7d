package dev.oauthsmtprelay.delivery.pacing;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static dev.oauthsmtprelay.fixtures.SenderMail.deliveredFrom;
import static dev.oauthsmtprelay.fixtures.SenderMail.eml;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.HttpGet;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * A cause that concerns one sender mailbox pauses that mailbox's mail only, through the real routes, broker, token
 * server and hub: the healthy mailboxes of the same account keep delivering, and the paused one resumes by itself
 * once its own login is taken again.
 */
class MailboxPauseDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private static JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpGet.get(port, path);
        return JSON.readTree(response.body());
    }

    @Test
    void smtp_auth_off_for_one_mailbox_holds_its_mail_while_the_other_mailbox_delivers_and_resumes_after_the_fix()
            throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.setSmtpAuthDisabled("payroll@example.com", true);
        int port = FreePort.find();
        RelayHarness relay = bed.relay(dir, Map.of("relay.health.port", port));

        for (int i = 0; i < 3; i++) {
            relay.drop("payroll-" + i + ".eml", eml("payroll@example.com", i));
        }
        MailboxPauses pauses = relay.context().getRegistry().lookupByNameAndType(MailboxPauses.BEAN, MailboxPauses.class);
        await(WAIT, () -> !pauses.isEmpty(), () -> "payroll@example.com paused");
        for (int i = 0; i < 3; i++) {
            relay.drop("billing-" + i + ".eml", eml("billing@example.com", i));
        }

        await(WAIT, () -> deliveredFrom(hub, "billing@example.com").size() == 3,
                () -> "the healthy mailbox's 3 messages delivered, got " + hub.messageCount());
        assertThat(deliveredFrom(hub, "payroll@example.com")).isEmpty();
        await(WAIT, () -> relay.queueDepth() == 3,
                () -> "the paused mailbox's 3 messages stay queued once billing's are acknowledged, depth "
                        + relay.queueDepth());
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
        DeliveryGate gate = relay.context().getRegistry().lookupByNameAndType("relayDeliveryGate", DeliveryGate.class);
        assertThat(gate.isPaused()).as("only the mailbox is paused, not delivery").isFalse();

        JsonNode status = get(port, "/status");
        assertThat(status.get("paused").asBoolean()).isFalse();
        assertThat(status.get("pausedMailboxes")).singleElement().satisfies(pause -> {
            assertThat(pause.get("mailbox").asText()).isEqualTo("payroll@example.com");
            assertThat(pause.get("reason").asText()).contains("5.7.139", "disabled for this mailbox",
                    "Set-CASMailbox -Identity payroll@example.com");
        });
        HttpResponse<String> ready = HttpGet.get(port, "/health/ready");
        assertThat(ready.statusCode()).as("the relay still delivers, so it stays ready").isEqualTo(200);
        JsonNode delivery = JSON.readTree(ready.body()).get("checks").findParents("id").stream()
                .filter(c -> c.get("id").asText().equals("delivery")).findFirst().orElseThrow();
        assertThat(delivery.get("message").asText()).contains("payroll@example.com", "5.7.139");
        assertThat(delivery.get("details").get("pausedMailboxes").asText()).isEqualTo("payroll@example.com");
        assertThat(HttpGet.get(port, "/metrics").body()).contains("relay_mailboxes_paused 1.0");
        int loginsWhilePaused = hub.authAttemptCount();

        hub.setSmtpAuthDisabled("payroll@example.com", false);

        await(WAIT, () -> deliveredFrom(hub, "payroll@example.com").size() == 3,
                () -> "the paused mailbox's 3 messages delivered after the fix, got "
                        + deliveredFrom(hub, "payroll@example.com").size());
        await(WAIT, pauses::isEmpty, () -> "the pause ended");
        await(WAIT, () -> relay.queueDepth() == 0, () -> "the queue drained");
        assertThat(hub.messageCount()).as("nothing was sent twice").isEqualTo(6);
        assertThat(loginsWhilePaused).as("held mail does not log in again and again").isLessThan(40);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }

    @Test
    void a_google_user_whose_token_gmail_refuses_pauses_alone() throws Exception {
        IssuedTokens issued = IssuedTokens.mailboxTokens(bed.tokens(), "google");
        XOAuth2SmtpHub hub = bed.hub(builder -> builder.tokenValidator(
                (mailbox, token) -> !mailbox.equals("scanner@example.com") && issued.test(mailbox, token)));
        Path credentials = TestCredentials.write(dir, "gmail.json",
                TestCredentials.googleFields(bed.tokens().tokenEndpoint("google"), "example.com"));
        RelayHarness relay = bed.harness(dir, credentials, Map.of()).start();

        relay.drop("scan.eml", eml("scanner@example.com", 1));
        MailboxPauses pauses = relay.context().getRegistry().lookupByNameAndType(MailboxPauses.BEAN, MailboxPauses.class);
        await(WAIT, () -> !pauses.isEmpty(), () -> "scanner@example.com paused");
        relay.drop("alert.eml", eml("alerts@example.com", 2));

        await(WAIT, () -> deliveredFrom(hub, "alerts@example.com").size() == 1, () -> "the other user's mail delivered");
        assertThat(pauses.paused()).singleElement().satisfies(pause -> {
            assertThat(pause.mailbox()).isEqualTo("scanner@example.com");
            assertThat(pause.cause()).contains("status 401", "token --user scanner@example.com");
        });
        await(WAIT, () -> relay.queueDepth() == 1, () -> "the held message stays queued: " + relay.queueDepth());

        hub.setTokenValidator(issued);
        await(WAIT, () -> deliveredFrom(hub, "scanner@example.com").size() == 1, () -> "the held message delivered");
    }
}
