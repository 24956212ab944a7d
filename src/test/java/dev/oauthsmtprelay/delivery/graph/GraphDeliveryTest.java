package dev.oauthsmtprelay.delivery.graph;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.sandbox.SandboxGraph;
import dev.oauthsmtprelay.sandbox.SandboxGraph.Operation;
import dev.oauthsmtprelay.sandbox.SandboxTokenServer;

/**
 * The whole relay with a credentials file that selects {@code "transport": "graph"}: spool → queue → the Graph
 * stand-in, which checks every bearer token issued by the sandbox token server and records every request.
 */
class GraphDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SENDER = "billing@example.com";

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    private SandboxTokenServer tokens;
    private SandboxGraph graph;

    @AfterEach
    void stopServers() {
        if (graph != null) {
            graph.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    @Test
    void a_small_message_goes_out_through_sendMail_and_envelope_only_recipients_travel_as_bcc() throws Exception {
        RelayHarness relay = relay(Map.of());
        relay.drop("invoice.eml", eml("To: customer@example.net\r\nCc: archive@example.org\r\n"
                + "Bcc: audit@example.com\r\n", "Invoice 42", "Please find the invoice."));

        SandboxGraph.SentMessage sent = awaitSent(1).get(0);
        assertThat(sent.viaDraft()).isFalse();
        assertThat(sent.mailbox()).isEqualTo(SENDER);
        assertThat(sent.recipients()).containsExactlyInAnyOrder("customer@example.net", "archive@example.org",
                "audit@example.com");
        MimeMessage message = sent.parsed();
        assertThat(message.getHeader("To", ",")).isEqualTo("customer@example.net");
        assertThat(message.getHeader("Cc", ",")).isEqualTo("archive@example.org");
        assertThat(message.getHeader("Bcc", ",")).isEqualTo("audit@example.com");
        assertThat(message.getSubject()).isEqualTo("Invoice 42");
        assertThat(graph.requests()).allSatisfy(r -> assertThat(r.status()).isBetween(200, 299));
        assertThat(graph.count(Operation.SEND_MAIL)).isEqualTo(1);
        assertThat(tokens.issuedCount()).isGreaterThanOrEqualTo(1);
        assertThat(bed.hub().messageCount()).isZero();
    }

    @Test
    void a_large_message_takes_the_draft_path_and_its_attachments_arrive_byte_for_byte() throws Exception {
        byte[] big = random(5_000_000, 1);
        byte[] medium = random(2_500_000, 2);
        RelayHarness relay = relay(Map.of());
        relay.drop("scan.eml", multipart("Scans", Map.of("scan.pdf", big, "notes.bin", medium)));

        SandboxGraph.SentMessage sent = awaitSent(1).get(0);
        assertThat(sent.viaDraft()).isTrue();
        Map<String, byte[]> attachments = new HashMap<>();
        sent.attachments().forEach(a -> attachments.put(a.name(), a.content()));
        assertThat(attachments.keySet()).containsExactlyInAnyOrder("scan.pdf", "notes.bin");
        assertThat(attachments.get("scan.pdf")).isEqualTo(big);
        assertThat(attachments.get("notes.bin")).isEqualTo(medium);
        MimeMessage draft = sent.parsed();
        assertThat(draft.getSubject()).isEqualTo("Scans");
        assertThat(draft.getMessageID()).isEqualTo("<scans@example.com>");
        assertThat(((Multipart) draft.getContent()).getBodyPart(0).getContent().toString()).contains("Two scans");
        assertThat(graph.count(Operation.SEND_MAIL)).isZero();
        assertThat(graph.count(Operation.CREATE_DRAFT)).isEqualTo(1);
        assertThat(graph.count(Operation.CREATE_UPLOAD_SESSION)).isEqualTo(1); // the 5 MB one
        assertThat(graph.count(Operation.UPLOAD)).isEqualTo(2); // two ranges of at most 3.75 MiB
        assertThat(graph.count(Operation.ADD_ATTACHMENT)).isEqualTo(1); // 2.5 MB: below 3 MB, posted whole
        assertThat(graph.count(Operation.SEND_DRAFT)).isEqualTo(1);
        assertThat(graph.requests()).allSatisfy(r -> assertThat(r.bytes()).isLessThanOrEqualTo(
                SandboxGraph.MAX_REQUEST_BYTES));
        await(WAIT, () -> draftRecords(relay) == 0, () -> "the draft record is removed once delivered");
    }

    @Test
    void a_429_holds_the_mailbox_for_its_retry_after() throws Exception {
        graph().failNext(Operation.SEND_MAIL, 1, 429, "ApplicationThrottled", "Application is over its MailboxConcurrency "
                + "limit.", Map.of("Retry-After", "2"));
        RelayHarness relay = relay(Map.of());
        relay.drop("a.eml", eml("To: customer@example.net\r\n", "Throttled", "once"));

        awaitSent(1);
        List<SandboxGraph.Request> sends = graph.requests().stream()
                .filter(r -> r.operation() == Operation.SEND_MAIL).toList();
        assertThat(sends).extracting(SandboxGraph.Request::status).containsExactly(429, 202);
        // the broker alone would redeliver after 100 ms (relay.broker.redelivery-delay in the tests)
        assertThat(Duration.ofNanos(sends.get(1).nanoTime() - sends.get(0).nanoTime()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }

    @Test
    void a_504_after_the_draft_was_sent_does_not_send_it_twice() throws Exception {
        graph().succeedThenFail(Operation.SEND_DRAFT, 504);
        RelayHarness relay = relay(Map.of("relay.graph.draft-threshold", "0"));
        relay.drop("a.eml", eml("To: customer@example.net\r\n", "Once only", "exactly once"));

        await(WAIT, () -> graph.count(Operation.GET_MESSAGE) >= 1 && relay.queueDepth() == 0,
                () -> "the retry looked the draft up and the message left the queue; requests " + graph.requests());
        Thread.sleep(500);
        assertThat(graph.sentCount()).isEqualTo(1);
        assertThat(graph.count(Operation.CREATE_DRAFT)).isEqualTo(1);
        assertThat(graph.count(Operation.SEND_DRAFT)).isEqualTo(1);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
        await(WAIT, () -> draftRecords(relay) == 0, () -> "the draft record is removed");
    }

    @Test
    void a_restart_in_the_middle_of_the_draft_path_sends_the_same_draft() throws Exception {
        graph().failNext(Operation.SEND_DRAFT, 1000, 500, "UnknownError", "Internal error", Map.of());
        RelayHarness relay = relay(Map.of("relay.graph.draft-threshold", "0"));
        relay.drop("a.eml", eml("To: customer@example.net\r\n", "Restart", "across a restart"));
        await(WAIT, () -> graph.count(Operation.SEND_DRAFT) >= 2, () -> "sending the draft failed twice");
        relay.stop();
        assertThat(draftRecords(relay)).isEqualTo(1);
        assertThat(graph.openDrafts()).isEqualTo(1);

        graph.clearScripts();
        relay.start();
        awaitSent(1);
        await(WAIT, () -> relay.queueDepth() == 0, () -> "the message left the queue");
        assertThat(graph.count(Operation.CREATE_DRAFT)).isEqualTo(1);
        assertThat(graph.openDrafts()).isZero();
    }

    @Test
    void an_access_policy_that_leaves_the_mailbox_out_pauses_that_mailbox_until_it_is_fixed() throws Exception {
        graph().denyMailbox(SENDER);
        RelayHarness relay = relay(Map.of());
        relay.drop("a.eml", eml("To: customer@example.net\r\n", "One", "1"));
        relay.drop("b.eml", eml("To: customer@example.net\r\n", "Two", "2"));
        MailboxPauses pauses = relay.context().getRegistry().lookupByNameAndType(MailboxPauses.BEAN,
                MailboxPauses.class);

        await(WAIT, () -> !pauses.isEmpty(), () -> "the mailbox pauses");
        assertThat(pauses.paused()).singleElement().satisfies(pause -> {
            assertThat(pause.mailbox()).isEqualTo(SENDER);
            assertThat(pause.cause()).contains("ErrorAccessDenied", "Test-ApplicationAccessPolicy", SENDER)
                    .doesNotContain(tokens.clientSecret());
        });
        DeliveryGate gate = relay.context().getRegistry().lookupByNameAndType("relayDeliveryGate", DeliveryGate.class);
        assertThat(gate.isPaused()).as("the application's other mailboxes may still send").isFalse();
        await(WAIT, () -> relay.queueDepth() == 2, () -> "both messages stay queued");
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();

        graph.allowMailbox(SENDER);
        assertThat(awaitSent(2)).hasSize(2);
        await(WAIT, pauses::isEmpty, () -> "the mailbox resumes");
    }

    @Test
    void a_token_without_mail_send_pauses_delivery_with_the_permission_to_add() throws Exception {
        tokens = SandboxTokenServer.builder().graphRoles("Mail.ReadWrite").start();
        RelayHarness relay = relay(Map.of());
        relay.drop("a.eml", eml("To: customer@example.net\r\n", "One", "1"));
        DeliveryGate gate = relay.context().getRegistry().lookupByNameAndType("relayDeliveryGate", DeliveryGate.class);

        await(WAIT, gate::isPaused, () -> "delivery pauses");
        assertThat(gate.pauseReason().orElseThrow()).contains("not Mail.Send", "Grant admin consent");
        assertThat(graph.count(Operation.SEND_MAIL)).isZero();
        await(WAIT, () -> relay.queueDepth() == 1, () -> "the message stays queued");
    }

    @Test
    void a_message_graph_refuses_for_good_becomes_a_dead_letter_with_graphs_reply() throws Exception {
        graph().refuseRecipient("gone@example.net");
        RelayHarness relay = relay(Map.of());
        relay.drop("a.eml", eml("To: gone@example.net\r\n", "Gone", "nobody"));

        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "one dead letter");
        try (Stream<Path> files = Files.list(relay.deadLetterDir())) {
            Path letter = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
            assertThat(Files.readString(letter)).contains("ErrorInvalidRecipients", "HTTP 400");
        }
        assertThat(graph.sentCount()).isZero();
    }

    @Test
    void no_more_than_max_per_mailbox_requests_are_in_flight_as_one_mailbox() throws Exception {
        graph().latency(Duration.ofMillis(250));
        // files older than min-age are taken at once (with 0, each waits a check interval): all are queued together
        RelayHarness relay = harness(Map.of("relay.delivery.concurrency", "8", "relay.graph.max-per-mailbox", "3",
                "relay.spool.min-age", "100"));
        for (int i = 0; i < 24; i++) {
            relay.drop("m" + i + ".eml", eml("To: customer@example.net\r\n", "Burst " + i, "n" + i));
        }
        relay.start();
        awaitSent(24);
        // never more than the limit (8 consumers would reach 8), and more than one at a time
        assertThat(graph.peakInFlight(SENDER)).isBetween(2, 3);
    }

    // ------------------------------------------------------------------------------------------------------------

    private SandboxGraph graph() {
        if (tokens == null) {
            tokens = SandboxTokenServer.start();
        }
        if (graph == null) {
            graph = SandboxGraph.start(tokens);
        }
        return graph;
    }

    private RelayHarness relay(Map<String, Object> extra) {
        return harness(extra).start();
    }

    private RelayHarness harness(Map<String, Object> extra) {
        graph();
        Path credentials = TestCredentials.graphFile(dir, tokens, graph.endpoint(), "example.com");
        return bed.harness(dir, credentials, extra);
    }

    private List<SandboxGraph.SentMessage> awaitSent(int count) {
        await(WAIT, () -> graph.sentCount() >= count, () -> graph.sentCount() + " of " + count + " sent; requests "
                + graph.requests());
        return graph.sent();
    }

    private static long draftRecords(RelayHarness relay) {
        return relay.filesIn(relay.dataDir().resolve("graph-drafts"), ".draft");
    }

    private static String eml(String recipients, String subject, String body) {
        return "From: Billing <" + SENDER + ">\r\n" + recipients + "Subject: " + subject + "\r\n"
                + "Message-ID: <" + subject.replace(' ', '-') + "@example.com>\r\n\r\n" + body + "\r\n";
    }

    private static String multipart(String subject, Map<String, byte[]> files) {
        StringBuilder mime = new StringBuilder("From: " + SENDER + "\r\nTo: customer@example.net\r\nSubject: " + subject
                + "\r\nMessage-ID: <scans@example.com>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n--b0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\nTwo scans attached.\r\n");
        files.forEach((name, content) -> mime.append("--b0\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=\"").append(name).append("\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n")
                .append(Base64.getMimeEncoder(76, "\r\n".getBytes()).encodeToString(content)).append("\r\n"));
        return mime.append("--b0--\r\n").toString();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
