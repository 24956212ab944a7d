package dev.oauthsmtprelay.deadletter.digest;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.app.RelayRoutes;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** The dead letter digest, mailed through the running relay itself on its camel-quartz schedule. */
class DeadLetterDigestTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;

    private RelayHarness relay(Map<String, Object> extra) {
        hub = bed.hub();
        return bed.relay(dir, extra);
    }

    @Test
    void should_mail_the_admin_new_dead_letters_through_the_relay_once() throws Exception {
        relay = relay(Map.of("relay.admin-address", "postmaster@example.net", "relay.default-sender", "relay@example.com",
                "relay.digest.cron", "* * * * * ?"));
        hub.failNextData(1, "554 5.6.0 Message rejected: content not allowed");

        relay.drop("refused.eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: x\r\n\r\nx\r\n");
        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "one dead letter");
        String id = DeadLetterStore.inDataDir(dir.resolve("data")).list().get(0).id();

        XOAuth2SmtpHub.ReceivedMessage digest = hub.awaitMessages(1, WAIT).get(0);
        assertThat(digest.recipients()).containsExactly("postmaster@example.net");
        assertThat(digest.authenticatedMailbox()).isEqualTo("relay@example.com");
        assertThat(digest.dataAsString()).contains("Subject: oauth-smtp-relay: 1 undelivered message(s)")
                .contains(id).contains("554 5.6.0").contains("customer@example.net").contains("dead-letter retry");
        // the schedule fires every second; nothing new means no further digest
        Thread.sleep(2500);
        assertThat(hub.messageCount()).isEqualTo(1);
    }

    @Test
    void should_not_schedule_a_digest_without_an_admin_address() {
        relay = relay(Map.of("relay.digest.cron", "* * * * * ?"));

        assertThat(relay.context().getRoute(RelayRoutes.DIGEST)).isNull();
    }
}
