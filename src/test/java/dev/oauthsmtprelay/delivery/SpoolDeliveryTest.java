package dev.oauthsmtprelay.delivery;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** End to end: spool file → embedded Artemis → camel-mail → real STARTTLS + XOAUTH2 hub. */
class SpoolDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;

    private RelayHarness microsoftRelay(Map<String, Object> extra) {
        hub = bed.hub();
        relay = bed.relay(dir, extra);
        return relay;
    }

    private RelayHarness googleRelay() {
        hub = bed.hub(builder -> builder.tokenValidator(IssuedTokens.mailboxTokens(bed.tokens(), "google")));
        Path credentials = TestCredentials.write(dir, "gmail.json",
                TestCredentials.googleFields(bed.tokens().tokenEndpoint("google"), "example.com"));
        relay = bed.harness(dir, credentials, Map.of()).start();
        return relay;
    }

    private static String eml(String from, String to, String extraHeaders, String body) {
        return "From: " + from + "\r\nTo: " + to + "\r\n" + extraHeaders + "Subject: test\r\n\r\n" + body + "\r\n";
    }

    @Test
    void should_deliver_an_eml_file_with_its_envelope_and_without_bcc_header() throws Exception {
        microsoftRelay(Map.of());

        Path file = relay.drop("invoice.eml", eml("Billing <billing@example.com>", "customer@example.net",
                "Cc: archive@example.org\r\nBcc: audit@example.com\r\n", "Invoice 42"));

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.mailFrom()).isEqualTo("billing@example.com");
        assertThat(received.recipients()).containsExactly("customer@example.net", "archive@example.org",
                "audit@example.com");
        assertThat(received.authenticatedMailbox()).isEqualTo("billing@example.com");
        assertThat(received.overTls()).isTrue();
        String data = received.dataAsString();
        assertThat(data).doesNotContainIgnoringCase("bcc:").contains("Message-ID: <").contains("Date: ")
                .contains("Invoice 42");
        await(WAIT, () -> !Files.exists(file), () -> "the spool file is removed after queueing");
        assertThat(hub.connections()).allSatisfy(c -> assertThat(c.sentCommandInClear("AUTH")).isFalse());
    }

    @Test
    void should_take_a_file_dropped_into_an_empty_spool_when_the_file_system_reports_it() throws Exception {
        // an idle interval far past the test's wait: only the file system's event can start the scan
        microsoftRelay(Map.of("relay.spool.idle-poll-interval", "1h"));
        Path first = relay.drop("first.eml", eml("billing@example.com", "customer@example.net", "", "One"));
        hub.awaitMessages(1, WAIT);
        await(WAIT, () -> !Files.exists(first), () -> "the first spool file is removed after queueing");
        Thread.sleep(1_000); // the scheduler now waits for an event, the spool being empty

        relay.drop("second.eml", eml("billing@example.com", "customer@example.net", "", "Two"));

        assertThat(hub.awaitMessages(2, WAIT).get(1).dataAsString()).contains("Two");
    }

    @Test
    void should_deliver_a_json_file_with_a_token_for_the_sender_mailbox_on_google() throws Exception {
        googleRelay();

        relay.drop("alert.json", "{\"from\":\"ops@example.com\",\"to\":[\"oncall@example.net\"],"
                + "\"subject\":\"Disk full\",\"text\":\"Volume /data is at 97%\"}");

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.recipients()).containsExactly("oncall@example.net");
        assertThat(received.authenticatedMailbox()).isEqualTo("ops@example.com");
        assertThat(SignedJWT.parse(received.token()).getJWTClaimsSet().getSubject()).isEqualTo("ops@example.com");
        assertThat(received.dataAsString()).contains("Subject: Disk full").contains("Volume /data is at 97%");
    }

    @Test
    void should_move_malformed_files_to_error_with_reason_and_keep_delivering_good_ones() throws Exception {
        microsoftRelay(Map.of());

        relay.drop("no-recipient.eml", "From: billing@example.com\r\nSubject: x\r\n\r\nbody\r\n");
        relay.drop("broken.json", "{\"from\": \"billing@example.com\", \"to\": ");
        relay.drop("good.eml", eml("billing@example.com", "customer@example.net", "", "fine"));

        hub.awaitMessages(1, WAIT);
        await(WAIT, () -> relay.filesIn(relay.errorDir(), ".reason.txt") == 2, () -> "two reason files");
        assertThat(Files.readString(relay.errorDir().resolve("no-recipient.eml.reason.txt")))
                .contains("no recipient");
        assertThat(Files.readString(relay.errorDir().resolve("broken.json.reason.txt"))).contains("line");
        assertThat(relay.errorDir().resolve("no-recipient.eml")).exists();
        assertThat(relay.errorDir().resolve("broken.json")).exists();
        assertThat(hub.messageCount()).isEqualTo(1);
    }

    @Test
    void should_retry_a_transient_failure_and_then_deliver() throws Exception {
        microsoftRelay(Map.of());
        hub.failNextData(2, "451 4.3.0 Temporary server error. Please try again later");

        relay.drop("report.eml", eml("billing@example.com", "customer@example.net", "", "report"));

        assertThat(hub.awaitMessages(1, WAIT)).hasSize(1);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }

    @Test
    void should_dead_letter_a_permanent_failure_with_the_hub_reply() throws Exception {
        microsoftRelay(Map.of());
        hub.failNextData(1, "554 5.6.0 Message rejected: content not allowed");

        relay.drop("bad-content.eml", eml("billing@example.com", "customer@example.net", "", "x"));

        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "one dead letter");
        JsonNode letter = new ObjectMapper().readTree(Files.list(relay.deadLetterDir())
                .filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow().toFile());
        assertThat(letter.get("reason").asText()).contains("554 5.6.0");
        assertThat(letter.get("smtpReply").asText()).startsWith("554 5.6.0");
        assertThat(relay.filesIn(relay.deadLetterDir(), ".eml")).isEqualTo(1);
        assertThat(hub.messageCount()).isZero();
    }

    @Test
    void should_deliver_to_accepted_recipients_and_dead_letter_a_copy_for_the_refused_one() throws Exception {
        microsoftRelay(Map.of());
        hub.rejectRecipient("gone@example.net", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found");

        relay.drop("news.eml", eml("billing@example.com", "customer@example.net, gone@example.net", "", "news"));

        assertThat(hub.awaitMessages(1, WAIT).get(0).recipients()).containsExactly("customer@example.net");
        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "a dead letter for gone@");
        String letter = Files.readString(Files.list(relay.deadLetterDir()).filter(f -> f.toString().endsWith(".json"))
                .findFirst().orElseThrow());
        assertThat(letter).contains("gone@example.net").contains("550 5.1.10").doesNotContain("customer@example.net");
    }

    @Test
    void should_pause_on_rejected_login_keep_messages_and_resume_after_the_fix() throws Exception {
        ListAppender<ILoggingEvent> gateLog = new ListAppender<>();
        gateLog.start();
        Logger logger = (Logger) LoggerFactory.getLogger(MailboxPauses.class);
        logger.addAppender(gateLog);
        try {
            microsoftRelay(Map.of());
            hub.setRejectionStyle(XOAuth2SmtpHub.RejectionStyle.OFFICE365);
            hub.setTokenValidator((mailbox, token) -> false);

            for (int i = 0; i < 3; i++) {
                relay.drop("m" + i + ".eml", eml("billing@example.com", "customer@example.net", "", "n" + i));
            }
            await(WAIT, () -> gateLog.list.stream().anyMatch(e -> e.getFormattedMessage().contains("Delivery paused")),
                    () -> "a 'Delivery paused' log line");
            Thread.sleep(1000);
            assertThat(hub.messageCount()).isZero();
            assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
            assertThat(gateLog.list.stream().filter(e -> e.getFormattedMessage().contains("Delivery paused")).count())
                    .isEqualTo(1);
            assertThat(gateLog.list.get(0).getFormattedMessage()).contains("5.7.3").contains("New-ServicePrincipal");
            int attemptsWhilePaused = hub.authAttemptCount();

            hub.setTokenValidator(IssuedTokens.applicationTokens(bed.tokens(), "tenant"));

            assertThat(hub.awaitMessages(3, WAIT)).hasSize(3);
            assertThat(attemptsWhilePaused).as("logins while paused stay bounded").isLessThan(20);
            assertThat(gateLog.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("Delivery resumed"));
        } finally {
            logger.detachAppender(gateLog);
        }
    }

    @Test
    void should_deliver_messages_queued_before_a_restart() throws Exception {
        microsoftRelay(Map.of());
        hub.setTokenValidator((mailbox, token) -> false);
        for (int i = 0; i < 5; i++) {
            relay.drop("q" + i + ".eml", eml("billing@example.com", "customer@example.net", "", "queued " + i));
        }
        await(WAIT, () -> relay.filesIn(relay.spoolDir(), ".eml") == 0, () -> "all five files queued");
        relay.stop();

        hub.setTokenValidator(IssuedTokens.applicationTokens(bed.tokens(), "tenant"));
        relay.start();

        List<XOAuth2SmtpHub.ReceivedMessage> received = hub.awaitMessages(5, WAIT);
        assertThat(received).extracting(XOAuth2SmtpHub.ReceivedMessage::dataAsString)
                .anySatisfy(d -> assertThat(d).contains("queued 0"))
                .anySatisfy(d -> assertThat(d).contains("queued 4"));
        Thread.sleep(500);
        assertThat(hub.messageCount()).isEqualTo(5);
    }

    @Test
    void should_refuse_a_hub_without_starttls_and_keep_the_message_queued() throws Exception {
        hub = bed.hub(builder -> builder.tlsMode(XOAuth2SmtpHub.TlsMode.NO_STARTTLS));
        relay = bed.relay(dir, Map.of("relay.smtp.tls", "starttls"));

        relay.drop("secret.eml", eml("billing@example.com", "customer@example.net", "", "confidential"));

        await(WAIT, () -> hub.connectionCount() > 0, () -> "a connection attempt");
        Thread.sleep(500);
        assertThat(hub.messageCount()).isZero();
        assertThat(hub.connections()).allSatisfy(c -> assertThat(c.sentCommand("AUTH")).as(c.toString()).isFalse());
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }

    @Test
    void should_dead_letter_a_message_whose_sender_has_no_mailbox() throws Exception {
        microsoftRelay(Map.of());

        relay.drop("ibmi.eml", eml("QSYSOPR@ibmi.local", "customer@example.net", "", "from the operator"));

        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "a dead letter");
        String letter = Files.readString(Files.list(relay.deadLetterDir()).filter(f -> f.toString().endsWith(".json"))
                .findFirst().orElseThrow());
        assertThat(letter).contains("QSYSOPR@ibmi.local").contains("relay.default-sender");
    }

    @Test
    void should_relay_an_ibm_i_operator_message_through_the_user_mapping() throws Exception {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "# ADDUSRSMTP equivalents\nQSYSOPR = operations@example.com\n");
        microsoftRelay(Map.of("relay.users", users));

        relay.drop("ibmi.eml", eml("QSYSOPR@ibmi.local", "customer@example.net", "", "from the operator"));

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.authenticatedMailbox()).isEqualTo("operations@example.com");
        assertThat(received.mailFrom()).isEqualTo("operations@example.com");
        // ibmi.local is no domain the relay serves: by default (outside-domains) From becomes the mailbox
        assertThat(received.dataAsString()).contains("From: operations@example.com")
                .contains("Reply-To: QSYSOPR@ibmi.local");
    }

    @Test
    void each_rewrite_from_mode_against_a_hub_that_checks_send_as_like_exchange() throws Exception {
        Path users = Files.writeString(dir.resolve("users.properties"), "QSYSOPR = operations@example.com\n");
        for (String mode : new String[] {"outside-domains", "always", "never"}) {
            Path modeDir = Files.createDirectories(dir.resolve(mode));
            hub = bed.hub(builder -> builder.enforceSendAs());
            relay = bed.relay(modeDir, Map.of("relay.users", users, "relay.rewrite-from", mode));
            relay.drop("ibmi.eml", eml("QSYSOPR@ibmi.local", "customer@example.net", "", "mode " + mode));
            if (mode.equals("never")) {
                await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "a dead letter");
                assertThat(Files.readString(Files.list(relay.deadLetterDir())
                        .filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow()))
                        .contains("550 5.7.60");
                assertThat(hub.messageCount()).isZero();
            } else {
                assertThat(hub.awaitMessages(1, WAIT).get(0).dataAsString()).as(mode)
                        .contains("From: operations@example.com").contains("Reply-To: QSYSOPR@ibmi.local");
            }
            relay.close();
        }
    }

    @Test
    void outside_domains_keeps_a_from_in_a_served_domain_which_the_mailbox_may_send_as() throws Exception {
        hub = bed.hub(builder -> builder.enforceSendAs("billing@example.com"));
        relay = bed.relay(dir, Map.of("relay.default-sender", "relay@example.com",
                "relay.users", Files.writeString(dir.resolve("users.properties"), "billing = relay@example.com\n")));
        relay.drop("invoice.eml", eml("billing@example.com", "customer@example.net", "", "invoice"));

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.authenticatedMailbox()).isEqualTo("relay@example.com");
        assertThat(received.dataAsString()).contains("From: billing@example.com").doesNotContain("Reply-To:");
    }

    @Test
    void should_rewrite_from_to_the_mailbox_and_keep_the_original_as_reply_to_when_configured() throws Exception {
        microsoftRelay(Map.of("relay.default-sender", "relay@example.com", "relay.rewrite-from", "always"));

        relay.drop("job.eml", eml("Nightly Batch <batch@ibmi.local>", "customer@example.net", "", "done"));

        String data = hub.awaitMessages(1, WAIT).get(0).dataAsString();
        assertThat(data).contains("From: relay@example.com").contains("Reply-To: Nightly Batch <batch@ibmi.local>")
                .doesNotContain("From: Nightly Batch").endsWith("\r\ndone\r\n");
    }

    @Test
    void should_send_the_queued_bytes_as_they_are_without_content_length() throws Exception {
        microsoftRelay(Map.of());
        String headers = "From: billing@example.com\r\nTo:customer@example.net\r\nSubject:  Folded,\r\n"
                + "\t twice \r\n  and spaced  \r\nX-Raw: caf\u00e9\r\nMessage-ID: <raw-1@example.com>\r\n"
                + "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n";
        String body = "\r\n.a line that starts with a dot\r\n\r\nlast\r\n";

        relay.drop("raw.eml", headers + "Content-Length: 99\r\n" + body);

        byte[] expected = (headers + body).getBytes(StandardCharsets.UTF_8);
        assertThat(hub.awaitMessages(1, WAIT).get(0).data()).isEqualTo(expected);
    }

    @Test
    void should_read_the_from_header_of_a_message_queued_without_relay_header_from() throws Exception {
        microsoftRelay(Map.of());
        String mime = eml("Nightly Batch <batch@ibmi.local>", "customer@example.net", "", "done");
        // As the relay queued messages before intake carried RelayHeaderFrom: delivery reads the From header itself.
        relay.context().createProducerTemplate().sendBodyAndHeaders("relayjms:queue:relay.outbound"
                        + "?connectionFactory=#relayProducerConnectionFactory&exchangePattern=InOnly",
                mime.getBytes(StandardCharsets.US_ASCII),
                Map.of("RelayMailFrom", "billing@example.com", "RelayRecipients", "customer@example.net",
                        "RelayMessageId", "<old-1@example.com>", "RelayId", "old-1", "RelaySource", "spool:old.eml",
                        "RelayQueuedAt", System.currentTimeMillis()));

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, WAIT).get(0);
        assertThat(received.authenticatedMailbox()).isEqualTo("billing@example.com");
        assertThat(received.dataAsString()).as("a From outside the served domains becomes the sender mailbox")
                .contains("From: billing@example.com").contains("Reply-To: Nightly Batch <batch@ibmi.local>");
    }

    @Test
    void should_dead_letter_a_message_that_keeps_failing_past_the_maximum_age() throws Exception {
        microsoftRelay(Map.of("relay.delivery.max-age", "1500"));
        hub.failNextData(1000, "451 4.4.2 Timeout waiting for data");

        relay.drop("late.eml", eml("billing@example.com", "customer@example.net", "", "late"));

        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 1, () -> "a dead letter after max-age");
        String letter = Files.readString(Files.list(relay.deadLetterDir()).filter(f -> f.toString().endsWith(".json"))
                .findFirst().orElseThrow());
        assertThat(letter).contains("Gave up after").contains("relay.delivery.max-age").contains("451 4.4.2");
        assertThat(hub.messageCount()).isZero();
    }

    @Test
    void should_queue_a_copy_for_a_recipient_refused_for_now_and_deliver_it_later() throws Exception {
        microsoftRelay(Map.of());
        hub.failNextRcpt(1, "452 4.2.2 The recipient's mailbox is full, try again later");

        relay.drop("quota.eml", eml("billing@example.com", "busy@example.net, customer@example.net", "", "quota"));

        List<XOAuth2SmtpHub.ReceivedMessage> received = hub.awaitMessages(2, WAIT);
        assertThat(received.get(0).recipients()).containsExactly("customer@example.net");
        assertThat(received.get(1).recipients()).containsExactly("busy@example.net");
        assertThat(received.get(1).dataAsString()).isEqualTo(received.get(0).dataAsString());
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }
}
