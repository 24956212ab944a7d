package dev.oauthsmtprelay.intake.parse;

import static dev.oauthsmtprelay.intake.parse.MimeSamples.CLOCK;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.CLOCK_DATE;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.headerSection;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.reparse;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.RelayMessage;

class JsonMessageParserTest {

    @TempDir
    Path temp;

    private Path allowedDir;
    private JsonMessageParser parser;

    @BeforeEach
    void setUp() throws Exception {
        allowedDir = Files.createDirectory(temp.resolve("attachments"));
        parser = parserWith(1_000_000, List.of(allowedDir));
    }

    private static JsonMessageParser parserWith(long maxSize, List<Path> dirs) {
        return new JsonMessageParser(new IntakeSettings("example.com", maxSize, dirs, CLOCK));
    }

    @Test
    void should_build_a_text_message() throws Exception {
        RelayMessage message = parser.parse(resource("text-only.json"));

        MimeMessage mime = reparse(message.mime());
        assertThat(mime.getContentType()).startsWith("text/plain; charset=UTF-8");
        assertThat(mime.getContent()).isEqualTo("Batch NIGHTLY ended normally.\r\nDuration: 42 minutes.");
        assertThat(mime.getSubject()).isEqualTo("Nightly batch finished");
        assertThat(mime.getFrom()).containsExactly(new InternetAddress("Scheduler <scheduler@example.com>"));
        assertThat(message.envelope().mailFrom()).isEqualTo("scheduler@example.com");
        assertThat(message.envelope().recipients()).containsExactly("ops@example.com");
    }

    @Test
    void should_build_an_html_message() throws Exception {
        RelayMessage message = parser.parse(json("""
                {"from": "a@example.com", "to": "b@example.org", "html": "<p>Hi</p>"}"""));

        MimeMessage mime = reparse(message.mime());
        assertThat(mime.getContentType()).startsWith("text/html; charset=UTF-8");
        assertThat(mime.getContent()).isEqualTo("<p>Hi</p>");
    }

    @Test
    void should_build_multipart_alternative_from_text_and_html() throws Exception {
        RelayMessage message = parser.parse(resource("html-and-text.json"));

        MimeMessage mime = reparse(message.mime());
        MimeMultipart alternative = (MimeMultipart) mime.getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getCount()).isEqualTo(2);
        assertThat(alternative.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("Hello,\r\nyour order has shipped.");
        assertThat(alternative.getBodyPart(1).isMimeType("text/html")).isTrue();
        assertThat(alternative.getBodyPart(1).getContent()).isEqualTo("<p>Hello,</p><p>your order has <b>shipped</b>.</p>");
    }

    @Test
    void should_put_bcc_in_the_envelope_but_not_in_the_message() throws Exception {
        RelayMessage message = parser.parse(resource("html-and-text.json"));

        assertThat(message.envelope().recipients()).containsExactly(
                "customer@example.org", "second@example.org", "sales@example.com", "audit@example.com");
        assertThat(headerSection(message.mime())).doesNotContainIgnoringCase("bcc").doesNotContain("audit@example.com");
        MimeMessage mime = reparse(message.mime());
        assertThat(mime.getRecipients(RecipientType.TO)).hasSize(2);
        assertThat(mime.getRecipients(RecipientType.CC)).containsExactly(new InternetAddress("sales@example.com"));
        assertThat(mime.getReplyTo()).containsExactly(new InternetAddress("support@example.com"));
        assertThat(mime.getHeader("X-Order-Id", null)).isEqualTo("4711");
    }

    @Test
    void should_encode_non_ascii_subject_and_display_name_as_utf8() throws Exception {
        RelayMessage message = parser.parse(resource("html-and-text.json"));

        String headers = headerSection(message.mime());
        assertThat(headers.chars()).allMatch(c -> c < 128);
        assertThat(headers).contains("=?UTF-8?");
        MimeMessage mime = reparse(message.mime());
        assertThat(mime.getSubject()).isEqualTo("Grüße aus Köln – your order");
        assertThat(((InternetAddress) mime.getFrom()[0]).getPersonal()).isEqualTo("Jörg Müller");
    }

    @Test
    void should_add_message_id_with_alias_domain_and_date_from_clock() throws Exception {
        RelayMessage message = parser.parse(resource("text-only.json"));

        MimeMessage mime = reparse(message.mime());
        assertThat(message.envelope().messageId()).endsWith("@example.com>").isEqualTo(mime.getMessageID());
        assertThat(mime.getHeader("Date", null)).isEqualTo(CLOCK_DATE);
    }

    @Test
    void should_keep_message_id_and_extra_headers_given_by_the_producer() throws Exception {
        RelayMessage message = parser.parse(json("""
                {"from": "a@example.com", "to": "b@example.org", "text": "x",
                 "headers": {"Message-ID": "<order-4711@erp.example.com>", "X-Priority": "1", "X-Note": "Grüße"}}"""));

        MimeMessage mime = reparse(message.mime());
        assertThat(message.envelope().messageId()).isEqualTo("<order-4711@erp.example.com>");
        assertThat(mime.getMessageID()).isEqualTo("<order-4711@erp.example.com>");
        assertThat(mime.getHeader("X-Priority", null)).isEqualTo("1");
        assertThat(jakarta.mail.internet.MimeUtility.decodeText(mime.getHeader("X-Note", null))).isEqualTo("Grüße");
    }

    @Test
    void should_attach_base64_content() throws Exception {
        RelayMessage message = parser.parse(resource("attachment-base64.json"));

        MimeMultipart mixed = (MimeMultipart) reparse(message.mime()).getContent();
        assertThat(mixed.getContentType()).startsWith("multipart/mixed");
        assertThat(mixed.getCount()).isEqualTo(2);
        assertThat(mixed.getBodyPart(0).getContent()).isEqualTo("Please find the invoice attached.");
        Part attachment = mixed.getBodyPart(1);
        assertThat(attachment.getFileName()).isEqualTo("invoice.pdf");
        assertThat(attachment.isMimeType("application/pdf")).isTrue();
        assertThat(attachment.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(bytes(attachment)).isEqualTo(Base64.getDecoder().decode("JVBERi0xLjQKJcOkw7zDtsOfCg=="));
    }

    @Test
    void should_attach_a_file_from_an_allowed_directory() throws Exception {
        byte[] content = {0, 1, 2, (byte) 0xFF, 'c', 's', 'v', '\r', '\n'};
        Path file = Files.write(allowedDir.resolve("report.csv"), content);

        RelayMessage message = parser.parse(json("""
                {"from": "a@example.com", "to": "b@example.org",
                 "attachments": [{"path": "%s"}]}""".formatted(jsonPath(file))));

        MimeMultipart mixed = (MimeMultipart) reparse(message.mime()).getContent();
        assertThat(mixed.getCount()).isEqualTo(1);
        Part attachment = mixed.getBodyPart(0);
        assertThat(attachment.getFileName()).isEqualTo("report.csv");
        assertThat(attachment.isMimeType("application/octet-stream")).isTrue();
        assertThat(bytes(attachment)).isEqualTo(content);
    }

    @Test
    void should_encode_a_non_ascii_file_name_and_keep_the_given_content_type() throws Exception {
        Path file = Files.writeString(allowedDir.resolve("data.txt"), "a;b\n");

        RelayMessage message = parser.parse(json("""
                {"from": "a@example.com", "to": "b@example.org", "text": "see attachment",
                 "attachments": [{"path": "%s", "filename": "Überweisung März.csv", "contentType": "text/csv"}]}"""
                .formatted(jsonPath(file))));

        Part attachment = ((MimeMultipart) reparse(message.mime()).getContent()).getBodyPart(1);
        assertThat(attachment.getFileName()).isEqualTo("Überweisung März.csv");
        assertThat(attachment.isMimeType("text/csv")).isTrue();
        assertThat(headerSection(message.mime()).chars()).allMatch(c -> c < 128);
    }

    @Test
    void should_refuse_path_traversal_out_of_the_allowed_directory() {
        String traversal = allowedDir + "/../../../../../etc/passwd";

        assertRejected(attachmentByPath(traversal), "attachment path not allowed", "outside the allowed attachment directories",
                allowedDir.toString(), RelayKeys.INTAKE_ATTACHMENT_DIRS.name());
    }

    @Test
    void should_refuse_a_relative_path() {
        assertRejected(attachmentByPath("../../etc/passwd"), "attachment path must be absolute: \"../../etc/passwd\"",
                "attachments[0].path");
    }

    @Test
    void should_refuse_a_symlink_pointing_outside_the_allowed_directory() throws Exception {
        Path secret = Files.writeString(temp.resolve("secret.txt"), "top secret");
        Path link = Files.createSymbolicLink(allowedDir.resolve("innocent.txt"), secret);

        assertRejected(attachmentByPath(link.toString()), "attachment path not allowed",
                "resolves to " + secret.toRealPath(), "outside the allowed attachment directories");
    }

    @Test
    void should_accept_a_file_reached_through_a_symlinked_allowed_directory() throws Exception {
        Path realDir = Files.createDirectory(temp.resolve("real"));
        Files.writeString(realDir.resolve("ok.txt"), "fine");
        Path linkedDir = Files.createSymbolicLink(temp.resolve("linked"), realDir);
        JsonMessageParser viaLink = parserWith(1_000_000, List.of(linkedDir));

        RelayMessage message = viaLink.parse(attachmentByPath(linkedDir.resolve("ok.txt").toString()));

        assertThat(bytes(((MimeMultipart) reparse(message.mime()).getContent()).getBodyPart(0)))
                .isEqualTo("fine".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void should_refuse_a_missing_attachment_file() {
        assertRejected(attachmentByPath(allowedDir.resolve("missing.pdf").toString()), "attachment file not found",
                "missing.pdf");
    }

    @Test
    void should_refuse_attachments_by_path_when_no_directory_is_configured() throws Exception {
        Path file = Files.writeString(allowedDir.resolve("a.txt"), "x");

        assertThatThrownBy(() -> parserWith(1_000_000, List.of()).parse(attachmentByPath(file.toString())))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("attachments by path are disabled")
                .hasMessageContaining(RelayKeys.INTAKE_ATTACHMENT_DIRS.name());
    }

    @Test
    void should_refuse_an_attachment_file_larger_than_the_size_limit() throws Exception {
        Path file = Files.write(allowedDir.resolve("big.bin"), new byte[5_000]);

        assertThatThrownBy(() -> parserWith(4_000, List.of(allowedDir)).parse(attachmentByPath(file.toString())))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("attachment too large")
                .hasMessageContaining("5000 bytes");
    }

    @Test
    void should_refuse_a_message_whose_mime_exceeds_the_size_limit() {
        String content = Base64.getEncoder().encodeToString(new byte[3_000]);
        byte[] input = json("""
                {"from": "a@example.com", "to": "b@example.org",
                 "attachments": [{"content": "%s", "filename": "zeros.bin"}]}""".formatted(content));

        assertThatThrownBy(() -> parserWith(4_500, List.of()).parse(input))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("message too large")
                .hasMessageContaining("the limit is 4500 bytes");
    }

    @Test
    void should_refuse_attachment_with_both_path_and_content() {
        assertRejected(json("""
                {"from": "a@example.com", "to": "b@example.org",
                 "attachments": [{"path": "/tmp/x", "content": "eA==", "filename": "x"}]}"""),
                "attachments[0] needs exactly one of \"path\"", "found both");
    }

    @Test
    void should_refuse_base64_content_without_filename() {
        assertRejected(json("""
                {"from": "a@example.com", "to": "b@example.org", "attachments": [{"content": "eA=="}]}"""),
                "attachments[0].filename is missing");
    }

    @Test
    void should_refuse_invalid_base64_content() {
        assertRejected(json("""
                {"from": "a@example.com", "to": "b@example.org",
                 "attachments": [{"content": "not*base64!", "filename": "x.bin"}]}"""),
                "invalid base64 in attachments[0].content", "RFC 4648");
    }

    @Test
    void should_accept_base64_content_broken_into_lines() throws Exception {
        RelayMessage message = parser.parse(json("""
                {"from": "a@example.com", "to": "b@example.org",
                 "attachments": [{"content": "aGVsbG8g\\r\\nd29ybGQ=", "filename": "x.txt"}]}"""));

        assertThat(bytes(((MimeMultipart) reparse(message.mime()).getContent()).getBodyPart(0)))
                .isEqualTo("hello world".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void should_refuse_an_invalid_content_type() {
        assertRejected(json("""
                {"from": "a@example.com", "to": "b@example.org",
                 "attachments": [{"content": "eA==", "filename": "x", "contentType": "pdf"}]}"""),
                "invalid attachments[0].contentType \"pdf\"", "application/pdf");
    }

    @Test
    void should_refuse_line_break_in_subject() {
        assertRejected(json("""
                {"from": "a@example.com", "to": "b@example.org", "text": "x",
                 "subject": "Hello\\r\\nBcc: victim@example.net"}"""),
                "line break in \"subject\"", "header injection");
    }

    @Test
    void should_refuse_line_break_in_extra_header_value() {
        assertRejected(json("""
                {"from": "a@example.com", "to": "b@example.org", "text": "x",
                 "headers": {"X-Order-Id": "1\\nBcc: victim@example.net"}}"""),
                "line break in header \"X-Order-Id\"", "header injection");
    }

    @Test
    void should_refuse_line_break_in_address() {
        assertRejected(json("""
                {"from": "a@example.com", "to": ["b@example.org", "c@example.org\\r\\nBcc: victim@example.net"],
                 "text": "x"}"""),
                "line break in \"to\"[1]", "header injection");
    }

    @Test
    void should_refuse_line_break_in_filename() {
        assertRejected(json("""
                {"from": "a@example.com", "to": "b@example.org",
                 "attachments": [{"content": "eA==", "filename": "x.txt\\nContent-Type: text/html"}]}"""),
                "line break in attachments[0].filename");
    }

    @Test
    void should_refuse_structural_header_names() {
        assertRejected(headers("\"To\": \"x@example.org\""), "header \"To\" cannot be set in \"headers\"", "use the \"to\" field");
        assertRejected(headers("\"content-type\": \"text/html\""), "header \"content-type\" cannot be set in \"headers\"",
                "MIME structure");
        assertRejected(headers("\"MIME-Version\": \"1.0\""), "header \"MIME-Version\" cannot be set");
    }

    @Test
    void should_refuse_invalid_header_names() {
        assertRejected(headers("\"X Order\": \"1\""), "invalid header name \"X Order\"", "such as X-Order-Id");
        assertRejected(headers("\"X-Order:\": \"1\""), "invalid header name \"X-Order:\"");
        assertRejected(headers("\"\": \"1\""), "invalid header name \"\"");
    }

    @Test
    void should_name_the_field_and_expected_type_for_wrong_types() {
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": 42, \"text\": \"x\"}"),
                "wrong type for \"to\": expected a string or an array of strings, found a number");
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": [\"b@example.org\", true], \"text\": \"x\"}"),
                "wrong type for \"to\"[1]: expected a string, found true/false");
        assertRejected(json("{\"from\": [\"a@example.com\"], \"to\": \"b@example.org\", \"text\": \"x\"}"),
                "wrong type for \"from\": expected a string, found an array");
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": \"b@example.org\", \"attachments\": {}}"),
                "wrong type for \"attachments\": expected an array of objects, found an object");
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": \"b@example.org\", \"text\": \"x\", \"headers\": {\"X-A\": 1}}"),
                "wrong type for \"headers\".\"X-A\": expected a string, found a number");
    }

    @Test
    void should_refuse_unknown_fields_listing_the_allowed_ones() {
        assertRejected(json("{\"from\": \"a@example.com\", \"recipients\": \"b@example.org\", \"text\": \"x\"}"),
                "unknown field \"recipients\"",
                "allowed fields are from, to, cc, bcc, replyTo, subject, text, html, attachments, headers");
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": \"b@example.org\", "
                        + "\"attachments\": [{\"content\": \"eA==\", \"filename\": \"x\", \"name\": \"y\"}]}"),
                "unknown field \"name\" in attachments[0]", "allowed fields are path, content, filename, contentType");
    }

    @Test
    void should_report_line_and_column_of_malformed_json() {
        assertRejected(json("{\n  \"from\": \"a@example.com\",\n  \"to\": \"b@example.org\"\n  \"text\": \"x\"\n}"),
                "not valid JSON at line 4, column 3");
    }

    @Test
    void should_refuse_duplicate_fields_and_trailing_content() {
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": \"b@example.org\", \"to\": \"c@example.org\", \"text\": \"x\"}"),
                "not valid JSON", "Duplicate field 'to'");
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": \"b@example.org\", \"text\": \"x\"} {}"),
                "not valid JSON at line 1");
    }

    @Test
    void should_refuse_a_document_that_is_not_an_object() {
        assertRejected(json("[\"a@example.com\"]"), "not a JSON message: the document must be an object");
    }

    @Test
    void should_refuse_empty_input() {
        assertRejected(new byte[0], "empty message");
        assertRejected(json("  \n "), "empty message: the JSON document is blank");
    }

    @Test
    void should_refuse_a_message_without_text_html_or_attachments() {
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": \"b@example.org\", \"subject\": \"only a subject\"}"),
                "empty message: it has no \"text\", \"html\" or \"attachments\"");
    }

    @Test
    void should_refuse_a_message_without_sender() {
        assertRejected(json("{\"to\": \"b@example.org\", \"text\": \"x\"}"), "no sender: \"from\" is missing");
    }

    @Test
    void should_refuse_several_from_addresses() {
        assertRejected(json("{\"from\": \"a@example.com, c@example.com\", \"to\": \"b@example.org\", \"text\": \"x\"}"),
                "invalid address in \"from\"", "must be exactly one address, found 2");
    }

    @Test
    void should_refuse_a_message_without_recipient() {
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": [], \"text\": \"x\"}"),
                "no recipient: the message has no to, cc or bcc address; add at least one recipient");
    }

    @Test
    void should_refuse_invalid_address_syntax() {
        assertRejected(json("{\"from\": \"a@example.com\", \"to\": \"b@\", \"text\": \"x\"}"),
                "invalid address in \"to\": \"b@\"", "missing domain");
    }

    @Test
    void should_treat_null_as_an_absent_field() throws Exception {
        RelayMessage message = parser.parse(json("""
                {"from": "a@example.com", "to": "b@example.org", "cc": null, "subject": null, "text": "x", "html": null}"""));

        assertThat(reparse(message.mime()).getContentType()).startsWith("text/plain");
    }

    private void assertRejected(byte[] input, String... words) {
        assertThatThrownBy(() -> parser.parse(input))
                .isInstanceOf(InvalidMessageException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(words));
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] headers(String entries) {
        return json("{\"from\": \"a@example.com\", \"to\": \"b@example.org\", \"text\": \"x\", \"headers\": {" + entries + "}}");
    }

    private static byte[] attachmentByPath(String path) {
        return json("""
                {"from": "a@example.com", "to": "b@example.org", "attachments": [{"path": "%s"}]}"""
                .formatted(path.replace("\\", "\\\\")));
    }

    private static String jsonPath(Path path) {
        return path.toString().replace("\\", "\\\\");
    }

    private static byte[] bytes(Part part) throws Exception {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }
}
