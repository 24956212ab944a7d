package dev.oauthsmtprelay.delivery;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.app.RelayRoutes;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;

/**
 * The delivery route and its error handling (routes/delivery.yaml, routes/delivery-errors.yaml) with the hub
 * step replaced by a failure of each kind: what the route does with the message is the subject, not SMTP.
 */
class DeliveryRouteTest {

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private RelayHarness relayWhoseHubFails(DeliveryFailure.Kind kind, String reason) throws Exception {
        RelayHarness relay = bed.relay(dir, Map.of());
        AdviceWith.adviceWith(relay.context(), RelayRoutes.DELIVERY, route -> route.weaveByToUri("smtp:*").replace()
                .process(exchange -> {
                    throw new DeliveryFailure(kind, reason, "554 5.0.0 " + reason, null);
                }));
        return relay;
    }

    private static String message(String id) {
        return "From: billing@example.com\r\nTo: customer@example.net\r\nMessage-ID: <" + id
                + "@example.com>\r\nSubject: test\r\n\r\nbody\r\n";
    }

    @Test
    void should_file_a_permanent_failure_through_the_dead_letter_route_and_commit_the_message() throws Exception {
        RelayHarness relay = relayWhoseHubFails(DeliveryFailure.Kind.PERMANENT, "the hub refused the message for good");
        NotifyBuilder attempted = new NotifyBuilder(relay.context()).fromRoute(RelayRoutes.DELIVERY).whenDone(1)
                .create();

        relay.drop("refused.eml", message("refused"));

        assertThat(attempted.matches(15, TimeUnit.SECONDS)).as("one delivery attempt").isTrue();
        DeadLetterStore store = DeadLetterStore.inDataDir(relay.dataDir());
        assertThat(store.list()).singleElement().satisfies(letter -> assertThat(letter.reason())
                .isEqualTo("the hub refused the message for good"));
        // The JMS commit follows the end of the exchange.
        await(Duration.ofSeconds(10), () -> relay.queueDepth() == 0, () -> "the message left the queue");
    }

    @Test
    void should_roll_a_transient_failure_back_into_the_queue_without_a_dead_letter() throws Exception {
        RelayHarness relay = relayWhoseHubFails(DeliveryFailure.Kind.TRANSIENT, "421 try again later");
        NotifyBuilder attempted = new NotifyBuilder(relay.context()).fromRoute(RelayRoutes.DELIVERY).whenDone(1)
                .create();

        relay.drop("later.eml", message("later"));

        assertThat(attempted.matches(15, TimeUnit.SECONDS)).as("one delivery attempt").isTrue();
        assertThat(DeadLetterStore.inDataDir(relay.dataDir()).list()).isEmpty();
        assertThat(relay.queueDepth()).as("the message waits for its redelivery").isEqualTo(1);
        assertThat(relay.context().getRouteController().getRouteStatus(RelayRoutes.DELIVERY).isStarted()).isTrue();
    }

    @Test
    void should_pause_delivery_on_a_configuration_failure_and_keep_the_message_queued() throws Exception {
        RelayHarness relay = relayWhoseHubFails(DeliveryFailure.Kind.CONFIGURATION, "535 the login was refused");
        NotifyBuilder attempted = new NotifyBuilder(relay.context()).fromRoute(RelayRoutes.DELIVERY).whenDone(1)
                .create();

        relay.drop("paused.eml", message("paused"));

        assertThat(attempted.matches(15, TimeUnit.SECONDS)).as("one delivery attempt").isTrue();
        DeliveryGate gate = relay.context().getRegistry().lookupByNameAndType("relayDeliveryGate", DeliveryGate.class);
        assertThat(gate.pauseReason()).contains("535 the login was refused");
        assertThat(DeadLetterStore.inDataDir(relay.dataDir()).list()).isEmpty();
        assertThat(relay.queueDepth()).isEqualTo(1);
    }

    @Test
    void should_pause_only_the_sender_mailbox_on_a_mailbox_failure_and_keep_the_message_queued() throws Exception {
        RelayHarness relay = relayWhoseHubFails(DeliveryFailure.Kind.MAILBOX, "535 5.7.139 disabled for the Mailbox");
        NotifyBuilder attempted = new NotifyBuilder(relay.context()).fromRoute(RelayRoutes.DELIVERY).whenDone(1)
                .create();

        relay.drop("held.eml", message("held"));

        assertThat(attempted.matches(15, TimeUnit.SECONDS)).as("one delivery attempt").isTrue();
        MailboxPauses pauses = relay.context().getRegistry().lookupByNameAndType(MailboxPauses.BEAN,
                MailboxPauses.class);
        assertThat(pauses.paused()).singleElement().satisfies(pause -> {
            assertThat(pause.mailbox()).isEqualTo("billing@example.com");
            assertThat(pause.cause()).isEqualTo("535 5.7.139 disabled for the Mailbox");
        });
        DeliveryGate gate = relay.context().getRegistry().lookupByNameAndType("relayDeliveryGate", DeliveryGate.class);
        assertThat(gate.isPaused()).isFalse();
        assertThat(DeadLetterStore.inDataDir(relay.dataDir()).list()).isEmpty();
        assertThat(relay.queueDepth()).isEqualTo(1);
        assertThat(relay.context().getRouteController().getRouteStatus(RelayRoutes.DELIVERY).isStarted()).isTrue();
    }
}
