package dev.oauthsmtprelay.intake.parse;

import static dev.oauthsmtprelay.intake.parse.MimeSamples.CLOCK;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.CLOCK_DATE;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.crlf;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.fromBlankLine;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.headerSection;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.reparse;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.resource;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.message.Envelope;
import dev.oauthsmtprelay.message.EnvelopeOverride;
import dev.oauthsmtprelay.message.HeaderFacts;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.RelayMessage;

class MimeMessageParserTest {

    private static final String UUID_ID = "<[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@";

    private final MimeMessageParser parser = new MimeMessageParser("example.com", 10_000, CLOCK);

    @Test
    void should_take_envelope_from_from_to_and_cc_headers() throws Exception {
        RelayMessage message = parser.parse(crlf(
                "From: Billing <billing@example.com>",
                "To: Alice <alice@example.org>, bob@example.org",
                "Cc: carol@example.net",
                "Subject: Invoice",
                "",
                "Body"));

        assertThat(message.envelope().mailFrom()).isEqualTo("billing@example.com");
        assertThat(message.envelope().recipients())
                .containsExactly("alice@example.org", "bob@example.org", "carol@example.net");
    }

    @Test
    void should_remove_bcc_but_keep_it_as_recipient() throws Exception {
        byte[] input = resource("multipart-with-bcc.eml");

        RelayMessage message = parser.parse(input);

        assertThat(message.envelope().recipients())
                .containsExactly("customer@example.org", "sales@example.com", "accounting@example.com");
        String headers = headerSection(message.mime());
        assertThat(headers).doesNotContainIgnoringCase("bcc").doesNotContain("accounting@example.com")
                .contains("To: customer@example.org", "Subject: Invoice 2026-0815");
        assertThat(reparse(message.mime()).getRecipients(RecipientType.BCC)).isNull();
    }

    @Test
    void should_remove_a_folded_bcc_completely_and_keep_the_following_header() throws Exception {
        RelayMessage message = parser.parse(crlf(
                "From: a@example.com",
                "Bcc: first@example.com,",
                "  second@example.com",
                "Subject: after bcc",
                "Message-ID: <1@example.com>",
                "Date: Mon, 1 Jun 2026 09:30:00 +0200",
                "",
                "x"));

        assertThat(text(message.mime())).isEqualTo(text(crlf(
                "From: a@example.com",
                "Subject: after bcc",
                "Message-ID: <1@example.com>",
                "Date: Mon, 1 Jun 2026 09:30:00 +0200",
                "",
                "x")));
        assertThat(message.envelope().recipients()).containsExactly("first@example.com", "second@example.com");
    }

    @Test
    void should_return_input_bytes_unchanged_when_nothing_needs_adding_or_removing() throws Exception {
        byte[] input = resource("complete.eml");

        RelayMessage message = parser.parse(input);

        assertThat(message.mime()).isEqualTo(input);
        assertThat(message.envelope().messageId()).isEqualTo("<nightly-4711@example.com>");
    }

    @Test
    void should_keep_body_bytes_identical_when_headers_change() throws Exception {
        byte[] input = resource("multipart-with-bcc.eml");

        RelayMessage message = parser.parse(input);

        assertThat(message.mime()).isNotEqualTo(input);
        assertThat(fromBlankLine(message.mime())).isEqualTo(fromBlankLine(input));
        MimeMessage reparsed = reparse(message.mime());
        MimeMultipart parts = (MimeMultipart) reparsed.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(1).getFileName()).isEqualTo("invoice.pdf");
    }

    @Test
    void should_keep_8bit_utf8_body_as_is() throws Exception {
        byte[] input = resource("qtmm-sendmail.eml");

        RelayMessage message = parser.parse(input);

        byte[] body = fromBlankLine(message.mime());
        assertThat(body).isEqualTo(fromBlankLine(input));
        assertThat(text(body)).contains("Grüße aus Köln — 10 €");
        assertThat(headerSection(message.mime())).contains("To: \"Müller, Jörg\" <joerg.mueller@example.com>");
        assertThat(message.envelope().recipients()).containsExactly(
                "joerg.mueller@example.com", "hr@example.com", "audit@example.com", "archive@example.com");
    }

    @Test
    void should_keep_non_utf8_8bit_body_bytes_as_is() throws Exception {
        byte[] input = resource("latin1-body.eml");

        RelayMessage message = parser.parse(input);

        assertThat(fromBlankLine(message.mime())).isEqualTo(fromBlankLine(input))
                .contains((byte) 0xDF, (byte) 0xFC);
    }

    @Test
    void should_add_message_id_with_alias_domain_when_missing() throws Exception {
        RelayMessage message = parser.parse(crlf("From: a@example.com", "To: b@example.com", "", "x"));

        String messageId = message.envelope().messageId();
        assertThat(messageId).matches(UUID_ID + "example\\.com>");
        assertThat(reparse(message.mime()).getMessageID()).isEqualTo(messageId);
    }

    @Test
    void should_use_localhost_in_message_id_without_alias_domain() throws Exception {
        MimeMessageParser noDomain = new MimeMessageParser(null, 10_000, CLOCK);

        RelayMessage message = noDomain.parse(crlf("From: a@example.com", "To: b@example.com", "", "x"));

        assertThat(message.envelope().messageId()).matches(UUID_ID + "localhost>");
    }

    @Test
    void should_add_date_from_clock_when_missing() throws Exception {
        RelayMessage message = parser.parse(crlf("From: a@example.com", "To: b@example.com", "", "x"));

        assertThat(headerSection(message.mime())).contains("Date: " + CLOCK_DATE + "\r\n");
        assertThat(reparse(message.mime()).getSentDate().toInstant()).isEqualTo(CLOCK.instant());
    }

    @Test
    void should_not_add_message_id_or_date_when_present() throws Exception {
        byte[] input = crlf(
                "Date: Mon, 1 Jun 2026 09:30:00 +0200",
                "Message-ID: <given@example.com>",
                "From: a@example.com",
                "To: b@example.com",
                "Bcc: c@example.com",
                "",
                "x");

        RelayMessage message = parser.parse(input);

        String headers = headerSection(message.mime());
        assertThat(headers).containsOnlyOnce("Message-ID:").containsOnlyOnce("Date:")
                .contains("Message-ID: <given@example.com>", "Date: Mon, 1 Jun 2026 09:30:00 +0200");
        assertThat(message.envelope().messageId()).isEqualTo("<given@example.com>");
    }

    @Test
    void should_replace_blank_message_id_and_date() throws Exception {
        RelayMessage message = parser.parse(crlf("From: a@example.com", "To: b@example.com", "Message-ID:",
                "Date: ", "", "x"));

        String headers = headerSection(message.mime());
        assertThat(headers).containsOnlyOnce("Message-ID:").containsOnlyOnce("Date:").contains("Date: " + CLOCK_DATE);
        assertThat(message.envelope().messageId()).matches(UUID_ID + "example\\.com>");
    }

    @Test
    void should_use_the_line_ending_of_the_message_for_added_headers() throws Exception {
        byte[] input = "From: a@example.com\nTo: b@example.com\n\nline one\nline two\n".getBytes(StandardCharsets.US_ASCII);

        RelayMessage message = parser.parse(input);

        assertThat(text(message.mime())).doesNotContain("\r")
                .startsWith("From: a@example.com\nTo: b@example.com\nMessage-ID: <")
                .endsWith("\nDate: " + CLOCK_DATE + "\n\nline one\nline two\n");
    }

    @Test
    void should_accept_a_message_made_of_headers_only() throws Exception {
        RelayMessage message = parser.parse("From: a@example.com\r\nTo: b@example.com".getBytes(StandardCharsets.US_ASCII));

        assertThat(text(message.mime())).startsWith("From: a@example.com\r\nTo: b@example.com\r\nMessage-ID: <")
                .endsWith("Date: " + CLOCK_DATE + "\r\n");
    }

    @Test
    void should_use_sender_when_from_is_missing() throws Exception {
        RelayMessage message = parser.parse(crlf("Sender: robot@example.com", "To: b@example.com", "", "x"));

        assertThat(message.envelope().mailFrom()).isEqualTo("robot@example.com");
    }

    @Test
    void should_use_sender_when_from_has_several_addresses() throws Exception {
        RelayMessage message = parser.parse(crlf(
                "From: alice@example.com, bob@example.com",
                "Sender: Secretary <secretary@example.com>",
                "To: c@example.org",
                "",
                "x"));

        assertThat(message.envelope().mailFrom()).isEqualTo("secretary@example.com");
    }

    @Test
    void should_prefer_a_single_from_over_sender() throws Exception {
        RelayMessage message = parser.parse(crlf("From: alice@example.com", "Sender: robot@example.com",
                "To: c@example.org", "", "x"));

        assertThat(message.envelope().mailFrom()).isEqualTo("alice@example.com");
    }

    @Test
    void should_reject_several_from_addresses_without_sender() {
        assertRejected(crlf("From: alice@example.com, bob@example.com", "To: c@example.org", "", "x"),
                "several From addresses (alice@example.com, bob@example.com) and no Sender", "add a Sender: header");
    }

    @Test
    void should_reject_several_sender_addresses() {
        assertRejected(crlf("From: a@example.com, b@example.com", "Sender: c@example.com, d@example.com",
                "To: e@example.org", "", "x"), "several Sender addresses", "keep exactly one address");
    }

    @Test
    void should_deduplicate_recipients_ignoring_case_and_keep_their_order() throws Exception {
        RelayMessage message = parser.parse(crlf(
                "From: a@example.com",
                "To: Zed@Example.org, amy@example.org",
                "Cc: zed@example.org",
                "Bcc: AMY@EXAMPLE.ORG, last@example.org",
                "",
                "x"));

        assertThat(message.envelope().recipients())
                .containsExactly("Zed@Example.org", "amy@example.org", "last@example.org");
    }

    @Test
    void should_expand_groups_and_accept_undisclosed_recipients() throws Exception {
        RelayMessage message = parser.parse(crlf(
                "From: a@example.com",
                "To: undisclosed-recipients:;",
                "Cc: Team: x@example.org, y@example.org;",
                "Bcc: hidden@example.org",
                "",
                "x"));

        assertThat(message.envelope().recipients()).containsExactly("x@example.org", "y@example.org", "hidden@example.org");
    }

    @Test
    void should_use_envelope_override_instead_of_headers_and_still_remove_bcc() throws Exception {
        RelayMessage message = parser.parse(crlf(
                "From: header-from@example.com",
                "To: header-to@example.org",
                "Bcc: header-bcc@example.org",
                "",
                "x"), new EnvelopeOverride("jms-from@example.com", List.of("jms-rcpt@example.org", "JMS-RCPT@example.org")));

        assertThat(message.envelope().mailFrom()).isEqualTo("jms-from@example.com");
        assertThat(message.envelope().recipients()).containsExactly("jms-rcpt@example.org");
        assertThat(headerSection(message.mime())).doesNotContain("Bcc").doesNotContain("header-bcc");
    }

    @Test
    void should_accept_a_message_without_from_when_the_override_names_the_sender() throws Exception {
        RelayMessage message = parser.parse(crlf("To: b@example.org", "", "x"),
                new EnvelopeOverride("jms-from@example.com", List.of()));

        assertThat(message.envelope().mailFrom()).isEqualTo("jms-from@example.com");
        assertThat(message.envelope().recipients()).containsExactly("b@example.org");
    }

    @Test
    void should_take_recipients_from_the_envelope_header_and_remove_it() throws Exception {
        RelayMessage message = parser.parse(crlf("From: a@example.com", "To: b@example.org, c@example.org",
                "X-Relay-Envelope-To: c@example.org,", " d@example.org", "Message-ID: <1@example.com>",
                "Date: Sun, 1 Mar 2026 10:00:00 +0000", "", "x"));

        assertThat(message.envelope().recipients()).containsExactly("c@example.org", "d@example.org");
        assertThat(new String(message.mime(), StandardCharsets.US_ASCII)).doesNotContain("X-Relay-Envelope-To")
                .doesNotContain("d@example.org").contains("To: b@example.org, c@example.org\r\n");
    }

    @Test
    void should_prefer_recipients_given_next_to_the_message_over_the_envelope_header() throws Exception {
        RelayMessage message = parser.parse(crlf("From: a@example.com", "To: b@example.org",
                "X-Relay-Envelope-To: c@example.org", "", "x"), new EnvelopeOverride(null, List.of("e@example.org")));

        assertThat(message.envelope().recipients()).containsExactly("e@example.org");
    }

    @Test
    void should_reject_invalid_override_address() {
        assertThatThrownBy(() -> parser.parse(crlf("From: a@example.com", "To: b@example.org", "", "x"),
                new EnvelopeOverride(null, List.of("not-an-address"))))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("invalid address in the envelope recipients given with the message")
                .hasMessageContaining("\"not-an-address\"");
    }

    @Test
    void should_reject_empty_message() {
        assertRejected(new byte[0], "empty message: it has no content", "send the complete message");
    }

    @Test
    void should_reject_content_without_header_section() {
        assertRejected("Hello, this is just text.\r\nNo headers at all.\r\n".getBytes(StandardCharsets.US_ASCII),
                "not a MIME message: line 1 is not a header field", "must start with headers");
    }

    @Test
    void should_reject_a_message_starting_with_a_blank_line() {
        assertRejected(crlf("", "From: a@example.com"), "not a MIME message: it starts with a blank line");
    }

    @Test
    void should_reject_binary_data() {
        byte[] pdfLike = {'%', 'P', 'D', 'F', '-', '1', '.', '4', '\n', 0, 1, 2, (byte) 0xFF, (byte) 0xFE, '\n'};
        assertRejected(pdfLike, "not a MIME message");
    }

    @Test
    void should_reject_nul_bytes_in_headers() {
        byte[] input = crlf("From: a@example.com", "To: b@example.com", "Subject: x\0y", "", "x");
        assertRejected(input, "not a MIME message", "NUL byte (line 3)", "binary data");
    }

    @Test
    void should_reject_a_body_not_separated_by_a_blank_line() {
        assertRejected(crlf("From: a@example.com", "To: b@example.com", "Dear customer,", "x"),
                "invalid header: line 3 (\"Dear customer,\")", "a blank line must separate");
    }

    @Test
    void should_reject_message_without_sender() {
        assertRejected(crlf("To: b@example.com", "Subject: x", "", "x"),
                "no sender: the message has no From or Sender address", "add a From: header");
    }

    @Test
    void should_reject_message_without_recipient() {
        assertRejected(crlf("From: a@example.com", "To: undisclosed-recipients:;", "", "x"),
                "no recipient: the message has no To, Cc or Bcc address; add at least one recipient");
    }

    @Test
    void should_reject_invalid_address_syntax() {
        assertRejected(crlf("From: a@example.com", "To: b@example.com", "Cc: carol@", "", "x"),
                "invalid address in Cc (header line 3): \"carol@\"", "missing domain", "name@example.com");
    }

    @Test
    void should_reject_address_without_domain() {
        assertRejected(crlf("From: a@example.com", "To: operator", "", "x"),
                "invalid address in To (header line 2): \"operator\"", "@domain");
    }

    @Test
    void should_reject_message_over_size_limit() {
        MimeMessageParser small = new MimeMessageParser("example.com", 100, CLOCK);
        byte[] input = crlf("From: a@example.com", "To: b@example.com", "", "x".repeat(200));

        assertThatThrownBy(() -> small.parse(input))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("message too large: " + input.length + " bytes, the limit is 100 bytes")
                .hasMessageContaining(RelayKeys.INTAKE_MAX_SIZE.name());
    }

    @Test
    void should_reject_when_added_headers_push_the_message_over_the_limit() {
        byte[] input = crlf("From: a@example.com", "To: b@example.com", "", "x");
        MimeMessageParser exact = new MimeMessageParser("example.com", input.length, CLOCK);

        assertThatThrownBy(() -> exact.parse(input)).isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("message too large");
    }

    @Test
    void should_have_a_default_limit_of_35_mb() {
        assertThat(IntakeSettings.defaults("example.com").maxSizeBytes()).isEqualTo(35L * 1024 * 1024);
    }

    @Test
    void should_reject_header_line_over_998_bytes() {
        String subject = "Subject: " + "x".repeat(990);
        assertRejected(crlf("From: a@example.com", "To: b@example.com", subject, "", "x"),
                "header line too long: line 3 (header \"Subject\") is 999 bytes, the limit is 998", "fold the header");
    }

    @Test
    void should_accept_header_line_of_exactly_998_bytes() throws Exception {
        String subject = "Subject: " + "x".repeat(989);
        RelayMessage message = new MimeMessageParser("example.com", 100_000, CLOCK)
                .parse(crlf("From: a@example.com", "To: b@example.com", subject, "", "x"));
        assertThat(headerSection(message.mime())).contains(subject + "\r\n");
    }

    @Test
    void should_reject_header_section_over_256_kb() {
        StringBuilder headers = new StringBuilder("From: a@example.com\r\nTo: b@example.com\r\n");
        String comment = "X-Comment: " + "c".repeat(900) + "\r\n";
        while (headers.length() <= 256 * 1024) {
            headers.append(comment);
        }
        byte[] input = (headers + "\r\nbody").getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> new MimeMessageParser("example.com", 1_000_000, CLOCK).parse(input))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("header section too large")
                .hasMessageContaining("256 KB");
    }

    @Test
    void should_reject_a_bare_carriage_return_in_a_header() {
        assertRejected(crlf("From: a@example.com", "To: b@example.com", "Subject: one\rtwo", "", "x"),
                "line 3 contains a carriage return that is not followed by a line feed");
    }

    @Test
    void should_read_the_header_facts_later_stages_need_once() throws Exception {
        RelayMessage message = parser.parse(crlf(
                "From: Billing <billing@example.com>, archive@example.com",
                "Sender: billing@example.com",
                "To: customer@example.org",
                "Subject: =?UTF-8?Q?Rechnung_f=C3=BCr?=",
                " Mai",
                "Subject: second",
                "Auto-Submitted: auto-generated",
                "",
                "Body"));

        assertThat(message.headers().from()).containsExactly("billing@example.com", "archive@example.com");
        assertThat(message.headers().firstFrom()).contains("billing@example.com");
        assertThat(message.headers().subject()).as("the first Subject, unfolded, not decoded")
                .contains("=?UTF-8?Q?Rechnung_f=C3=BCr?= Mai");
        assertThat(message.headers().automatic()).isTrue();
        assertThat(message.headers()).as("the same facts a lenient reading of the queued bytes gives")
                .isEqualTo(HeaderFacts.read(message.mime()));
    }

    @Test
    void should_tell_a_person_s_message_from_a_report_or_an_auto_reply() throws Exception {
        byte[] plain = crlf("From: a@example.com", "To: b@example.com", "Auto-Submitted: no", "", "x");
        byte[] report = crlf("From: a@example.com", "To: b@example.com",
                "Content-Type: Multipart/Report; report-type=delivery-status; boundary=b", "", "x");

        assertThat(parser.parse(plain).headers().automatic()).isFalse();
        assertThat(parser.parse(plain).headers().subject()).isEmpty();
        assertThat(parser.parse(report).headers().automatic()).isTrue();
    }

    @Test
    void should_remove_content_length_which_smtp_never_sends() throws Exception {
        RelayMessage message = parser.parse(crlf("From: a@example.com", "To: b@example.com", "Content-Length: 3",
                "Message-ID: <1@example.com>", "Date: Mon, 7 Dec 2026 10:00:00 +0000", "", "x"));

        assertThat(headerSection(message.mime())).doesNotContainIgnoringCase("content-length")
                .contains("Message-ID: <1@example.com>");
    }

    private void assertRejected(byte[] input, String... words) {
        assertThatThrownBy(() -> parser.parse(input))
                .isInstanceOf(InvalidMessageException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(words));
    }
}
