package dev.oauthsmtprelay.delivery.pacing;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static dev.oauthsmtprelay.fixtures.SharedBrokerCluster.sender;
import static dev.oauthsmtprelay.fixtures.SenderMail.deliveredFrom;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.SharedBrokerCluster;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * Two relay instances, each its own JVM, on one broker, with Exchange's limits: together they send at most 30
 * messages a minute for each mailbox over at most 3 connections, because the mailbox groups hand each mailbox's mail
 * to one consumer at a time. Without the groups each instance would pace on its own, and the pair would send 60.
 */
@Tag("scale-out")
class SharedMailboxLimitsTest {

    private static final int PER_MINUTE = 30;
    private static final int MAILBOXES = 3; // the cluster's messages come from SharedBrokerCluster.sender(0..2)
    private static final int PER_MAILBOX = 45;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void two_instances_together_stay_within_one_mailboxs_rate_and_connections() throws Exception {
        try (SharedBrokerCluster cluster = new SharedBrokerCluster(dir)) {
            Map<String, Object> limits = Map.of("relay.pacing.messages-per-minute", PER_MINUTE,
                    "relay.smtp.pool.max-per-mailbox", 3, "relay.delivery.concurrency", 4, "relay.jms.concurrency", 2);
            List<RelayProcess> relays = cluster.startRelays(limits, "relay-a", "relay-b");
            XOAuth2SmtpHub hub = cluster.hub();

            cluster.put(0, MAILBOXES * PER_MAILBOX);

            await(WAIT, () -> hub.messageCount() >= MAILBOXES * PER_MINUTE,
                    () -> "a minute's worth for each mailbox, got " + hub.messageCount());
            Thread.sleep(3000); // what a second instance pacing on its own would send now
            for (int m = 0; m < MAILBOXES; m++) {
                String mailbox = sender(m);
                int sent = deliveredFrom(hub, mailbox).size();
                System.out.printf("shared limits: %s: %d of %d sent in the first minute by %d instances, "
                        + "peak %d connection(s)%n", mailbox, sent, PER_MAILBOX, relays.size(),
                        hub.peakConnectionsOf(mailbox));
                assertThat(sent).as(mailbox + " in its first minute").isEqualTo(PER_MINUTE);
                assertThat(hub.heldBackByRate(mailbox, PER_MINUTE)).as("what Exchange would hold back").isZero();
                assertThat(hub.peakConnectionsOf(mailbox)).as(mailbox + "'s connections").isBetween(1, 3);
            }
            System.out.printf("shared limits: relay-a delivered %d, relay-b %d%n", relays.get(0).delivered(),
                    relays.get(1).delivered());
            assertThat(cluster.duplicates(0, MAILBOXES * PER_MAILBOX)).isZero();
            assertThat(hub.connectionLimitRefusals()).isZero();

            // the instance that sent most stops: the broker gives its groups to the other one, which sends their mail
            // at once, while a mailbox whose group the survivor held all along stays paced there
            RelayProcess busiest = relays.get(0).delivered() >= relays.get(1).delivered()
                    ? relays.get(0) : relays.get(1);
            RelayProcess survivor = busiest == relays.get(0) ? relays.get(1) : relays.get(0);
            String busiestLog = busiest.log();
            List<Integer> moved = new ArrayList<>();
            List<Integer> stayed = new ArrayList<>();
            for (int m = 0; m < MAILBOXES; m++) {
                (busiestLog.contains(" as " + sender(m) + " to ") ? moved : stayed).add(m);
            }
            busiest.kill();
            int first = MAILBOXES * PER_MAILBOX; // message first + m comes from mailbox m
            cluster.put(first, MAILBOXES);
            for (int m : moved) {
                await(WAIT, () -> cluster.distinctReceived(first + m, 1) == 1,
                        () -> sender(m) + "'s new message from " + survivor.name() + " after " + busiest.name()
                                + " was killed; its log:\n" + survivor.logTail());
            }
            System.out.printf("shared limits: %s killed; the groups of mailboxes %s moved to %s, %s stayed there%n",
                    busiest.name(), moved, survivor.name(), stayed);
            for (int m : stayed) {
                assertThat(cluster.distinctReceived(first + m, 1)).as(sender(m) + " is still paced by "
                        + survivor.name()).isZero();
            }
            assertThat(moved).isNotEmpty();
        }
    }
}
