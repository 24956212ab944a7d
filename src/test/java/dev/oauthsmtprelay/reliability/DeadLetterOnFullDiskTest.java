package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.fixtures.CapturedLog;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * A message becomes a dead letter while relay.data.dir (journal and dead letters) is full: the dead letter cannot be
 * written, so the message must stay in the queue, and become the dead letter once there is room.
 */
class DeadLetterOnFullDiskTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    /** The relay with relay.data.dir (journal and dead letters) on the small file system, its disk looked at often. */
    private RelayHarness relayWithDataOn(Tmpfs dataFs) {
        return bed.harness(dir, Map.of("relay.data.dir", dataFs.path().resolve("data"),
                "relay.broker.disk-scan-period", "100")).start();
    }

    @Test
    void a_dead_letter_that_cannot_be_written_stays_in_the_queue_and_is_written_once_there_is_room() throws Exception {
        Tmpfs dataFs = bed.closeAfter(Tmpfs.mountOrSkip(dir.resolve("datafs"), "48m", "the dead letter on a full disk"));
        CapturedLog log = bed.closeAfter(CapturedLog.attach());
        XOAuth2SmtpHub hub = bed.hub();
        hub.setSmtpAuthDisabled("billing@example.com", true);
        hub.failNextData(1_000, "554 5.6.0 Message rejected: content not allowed");
        RelayHarness relay = relayWithDataOn(dataFs);
        Path deadLetters = dataFs.path().resolve("data").resolve(DeadLetterStore.DIRECTORY_NAME);
        MailboxPauses pauses = relay.context().getRegistry().lookupByNameAndType(MailboxPauses.BEAN, MailboxPauses.class);

        relay.drop("rejected.eml", "From: billing@example.com\r\nTo: customer@example.net\r\nSubject: refused\r\n\r\n"
                + "the hub refuses this one for good\r\n");
        await(WAIT, () -> !pauses.isEmpty(), () -> "the message held while its mailbox is paused");
        await(WAIT, () -> relay.queueDepth() == 1, () -> "the message in the queue, depth " + relay.queueDepth());
        dataFs.fill(dataFs.path().resolve("filler.bin"), 0);
        hub.setSmtpAuthDisabled("billing@example.com", false);

        await(WAIT, () -> hub.authAcceptedCount() > 0, () -> "a login that passes, then a DATA the hub refuses for good");
        Thread.sleep(3000);
        assertThat(relay.filesIn(deadLetters, ".json")).as("no dead letter while the disk is full")
                .isZero();
        assertThat(relay.queueDepth()).as("the message stays in the queue").isEqualTo(1);
        assertThat(log.lines(Level.ERROR, "Cannot write dead letter")).as("one line for the condition").singleElement()
                .asString().contains("No space left on device", "Free space", "stays in the queue");
        assertThat(log.count(Level.ERROR, "Exception occurred while trying to handle")).as("no stack trace per attempt")
                .isZero();
        System.out.printf("[reliability] dead letter on a full data disk: %d logins accepted while full, "
                + "%d error line(s)%n", hub.authAcceptedCount(), log.lines(Level.ERROR).size());

        Files.delete(dataFs.path().resolve("filler.bin"));
        await(WAIT, () -> relay.filesIn(deadLetters, ".json") == 1, () -> "the dead letter, once there is room");
        await(WAIT, () -> relay.queueDepth() == 0, () -> "the message left the queue");
        assertThat(hub.messageCount()).isZero();
        assertThat(log.count(Level.INFO, "Dead letters can be written to")).as("one line when it ends").isEqualTo(1);
    }

    @Test
    void a_dead_letter_for_some_recipients_waits_to_be_written_without_sending_the_others_the_message_again()
            throws Exception {
        Tmpfs dataFs = bed.closeAfter(Tmpfs.mountOrSkip(dir.resolve("datafs"), "48m", "a partial dead letter, disk full"));
        CapturedLog log = bed.closeAfter(CapturedLog.attach());
        XOAuth2SmtpHub hub = bed.hub();
        hub.setSmtpAuthDisabled("billing@example.com", true);
        hub.rejectRecipient("gone@example.net", "550 5.1.1 User unknown");
        RelayHarness relay = relayWithDataOn(dataFs);
        Path deadLetters = dataFs.path().resolve("data").resolve(DeadLetterStore.DIRECTORY_NAME);
        MailboxPauses pauses = relay.context().getRegistry().lookupByNameAndType(MailboxPauses.BEAN, MailboxPauses.class);

        relay.drop("statement.eml", "From: billing@example.com\r\nTo: customer@example.net, gone@example.net\r\n"
                + "Subject: statement\r\n\r\none recipient takes it, the other one is gone\r\n");
        await(WAIT, () -> !pauses.isEmpty(), () -> "the message held while its mailbox is paused");
        dataFs.fill(dataFs.path().resolve("filler.bin"), 0);
        hub.setSmtpAuthDisabled("billing@example.com", false);

        hub.awaitMessages(1, WAIT);
        Thread.sleep(3000); // a rolled-back delivery would come back within ~1 s, and again
        assertThat(hub.messageCount()).as("the recipient that took it gets it once, not once per attempt")
                .isEqualTo(1);
        assertThat(relay.filesIn(deadLetters, ".json")).as("no dead letter while the disk is full").isZero();
        assertThat(relay.queueDepth()).as("the message is still in the queue, not acknowledged").isEqualTo(1);
        assertThat(log.lines(Level.ERROR, "Cannot write dead letter")).singleElement().asString()
                .contains("No space left on device", "delivered to its other recipients");

        Files.delete(dataFs.path().resolve("filler.bin"));
        await(WAIT, () -> relay.filesIn(deadLetters, ".json") == 1, () -> "the dead letter, once there is room");
        await(WAIT, () -> relay.queueDepth() == 0, () -> "the message left the queue");
        assertThat(hub.messageCount()).isEqualTo(1);
        assertThat(hub.messages().get(0).recipients()).containsExactly("customer@example.net");
    }
}
