package dev.oauthsmtprelay.intake.parse;

import static dev.oauthsmtprelay.intake.parse.MimeSamples.CLOCK;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.oauthsmtprelay.message.Envelope;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * A large .eml file parsed from the file ({@link MimeMessageParser#parse(Path)}, only the header section in memory)
 * gives exactly the bytes and envelope the in-memory path gives for the same file, and refuses what it refuses with
 * the same reason.
 */
class FileBackedMimeParsingTest {

    private static final long MAX_SIZE = 4_000_000;
    /** Bodies larger than what is read for the header section, so the file is really read in two parts. */
    private static final int LARGE_BODY = RawHeaderSection.MAX_READ_BYTES + 200_000;

    @TempDir
    Path dir;

    private final MimeMessageParser parser =
            new MimeMessageParser(new IntakeSettings("example.com", MAX_SIZE, List.of(), CLOCK, 5));

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("complete, CRLF, sent unchanged",
                        message("\r\n", "From: billing@example.com", "To: customer@example.net", "Subject: unchanged",
                                "Date: Fri, 27 Nov 2026 10:00:00 +0000", "Message-ID: <unchanged@example.com>")),
                Arguments.of("Bcc, CRLF",
                        message("\r\n", "From: billing@example.com", "To: customer@example.net",
                                "Bcc: archive@example.com,", " audit@example.com", "Subject: with bcc",
                                "Date: Fri, 27 Nov 2026 10:00:00 +0000", "Message-ID: <bcc@example.com>")),
                Arguments.of("no Date, no Message-ID, LF",
                        message("\n", "From: billing@example.com", "To: customer@example.net", "Subject: lf")),
                Arguments.of("Bcc, blank Date, no Message-ID, LF",
                        message("\n", "From: billing@example.com", "To: customer@example.net", "Bcc: a@example.com",
                                "Date:", "Subject: lf and bcc")),
                Arguments.of("envelope header, CRLF",
                        message("\r\n", "From: billing@example.com", "To: customer@example.net",
                                "X-Relay-Envelope-To: only@example.net", "Subject: retry",
                                "Date: Fri, 27 Nov 2026 10:00:00 +0000", "Message-ID: <retry@example.com>")),
                Arguments.of("nested multipart with long lines, no Date, CRLF", nestedMultipart(6)),
                Arguments.of("small multipart with Bcc (a file under the read limit)",
                        resource("multipart-with-bcc.eml")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void should_send_the_same_bytes_and_envelope_from_the_file_as_from_memory(String name, byte[] content)
            throws Exception {
        Path file = write(content);

        RelayMessage inMemory = parser.parse(content);
        FileBackedMessage fromFile = parser.parse(file);

        byte[] streamed;
        try (InputStream in = fromFile.open()) {
            streamed = in.readAllBytes();
        }
        assertThat(fromFile.envelope().mailFrom()).isEqualTo(inMemory.envelope().mailFrom());
        assertThat(fromFile.envelope().recipients()).isEqualTo(inMemory.envelope().recipients());
        assertThat(fromFile.headers()).isEqualTo(inMemory.headers());
        assertThat(fromFile.size()).isEqualTo(streamed.length);
        // a Message-ID the relay generates is random; everything else must be identical, byte for byte
        assertThat(streamed).isEqualTo(withMessageId(inMemory, fromFile.envelope().messageId()));
    }

    static Stream<String> badInput() {
        Properties reasons = new Properties();
        try (InputStream in = FileBackedMimeParsingTest.class.getResourceAsStream("/bad-input/expected-reasons.properties")) {
            reasons.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reasons.stringPropertyNames().stream().filter(n -> n.endsWith(".eml")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void should_refuse_each_bad_input_file_with_the_same_reason_as_in_memory(String name) throws Exception {
        byte[] content = badInputFile(name);
        MimeMessageParser defaults = new MimeMessageParser(new IntakeSettings("example.com", MAX_SIZE, List.of(),
                CLOCK));

        assertSameRefusal(defaults, content);
    }

    @Test
    void should_refuse_too_deep_nesting_behind_long_lines_as_in_memory() throws Exception {
        InvalidMessageException refused = assertSameRefusal(parser, nestedMultipart(MultipartNesting.MAX_DEPTH + 1));

        assertThat(refused).hasMessageContaining("multipart nesting too deep");
    }

    @Test
    void should_refuse_too_many_recipients_as_in_memory() throws Exception {
        InvalidMessageException refused = assertSameRefusal(parser, message("\r\n", "From: billing@example.com",
                "To: a@example.net, b@example.net, c@example.net", "Cc: d@example.net, e@example.net",
                "Bcc: f@example.net"));

        assertThat(refused).hasMessageContaining("too many recipients: 6, the limit is 5");
    }

    @Test
    void should_refuse_a_file_over_the_size_limit_as_in_memory() throws Exception {
        MimeMessageParser small = new MimeMessageParser(new IntakeSettings("example.com", LARGE_BODY, List.of(),
                CLOCK));

        InvalidMessageException refused = assertSameRefusal(small, message("\r\n", "From: billing@example.com",
                "To: customer@example.net", "Date: Fri, 27 Nov 2026 10:00:00 +0000", "Message-ID: <big@example.com>"));

        assertThat(refused).hasMessageContaining("message too large");
    }

    @Test
    void should_refuse_a_file_pushed_over_the_size_limit_by_added_headers_as_in_memory() throws Exception {
        byte[] content = message("\r\n", "From: billing@example.com", "To: customer@example.net", "Subject: exact");
        MimeMessageParser exact = new MimeMessageParser(new IntakeSettings("example.com", content.length, List.of(),
                CLOCK));

        InvalidMessageException refused = assertSameRefusal(exact, content);

        assertThat(refused).hasMessageContaining("message too large");
    }

    @Test
    void should_refuse_a_header_section_larger_than_the_limit_as_in_memory() throws Exception {
        StringBuilder headers = new StringBuilder("From: billing@example.com\r\nTo: customer@example.net\r\n");
        while (headers.length() < RawHeaderSection.MAX_SECTION_BYTES + 50_000) {
            headers.append("X-Filler: ").append("f".repeat(80)).append("\r\n");
        }
        InvalidMessageException refused = assertSameRefusal(parser, withBody(headers + "\r\n"));

        assertThat(refused).hasMessageContaining("header section too large");
    }

    @Test
    void should_refuse_a_header_line_crossing_the_end_of_what_is_read_as_in_memory() throws Exception {
        StringBuilder headers = new StringBuilder("From: billing@example.com\r\nTo: customer@example.net\r\n");
        while (headers.length() < RawHeaderSection.MAX_SECTION_BYTES - 100) {
            headers.append("X-Filler: ").append("f".repeat(80)).append("\r\n");
        }
        headers.append("X-Long: ").append("l".repeat(5000)).append("\r\n");

        byte[] content = withBody(headers + "\r\n");
        Path file = write(content);

        // the file path reads only the start of the line, so it can tell only that the line is too long
        assertThat(catchThrowableOfType(InvalidMessageException.class, () -> parser.parse(content)))
                .hasMessageContaining("header line too long: line 2851 (header \"X-Long\") is 5008 bytes");
        assertThat(catchThrowableOfType(InvalidMessageException.class, () -> parser.parse(file)))
                .hasMessageContaining("header line too long: line 2851 (header \"X-Long\") is more than ")
                .hasMessageContaining("bytes, the limit is 998");
    }

    private InvalidMessageException assertSameRefusal(MimeMessageParser parser, byte[] content) throws IOException {
        Path file = write(content);
        InvalidMessageException inMemory = catchThrowableOfType(InvalidMessageException.class,
                () -> parser.parse(content));
        InvalidMessageException fromFile = catchThrowableOfType(InvalidMessageException.class,
                () -> parser.parse(file));

        assertThat(inMemory).as("refused in memory").isNotNull();
        assertThat(fromFile).as("refused from the file").isNotNull();
        assertThat(fromFile.getMessage()).isEqualTo(inMemory.getMessage());
        return fromFile;
    }

    private Path write(byte[] content) throws IOException {
        Path file = Files.createTempFile(dir, "message", ".eml");
        Files.write(file, content);
        return file;
    }

    /** The in-memory bytes with the Message-ID it generated replaced by the one the file path generated. */
    private static byte[] withMessageId(RelayMessage inMemory, String messageId) {
        String text = new String(inMemory.mime(), StandardCharsets.ISO_8859_1);
        return text.replace(inMemory.envelope().messageId(), messageId).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Header lines, a blank line and a base64-like body of {@link #LARGE_BODY} bytes, all with {@code eol}. */
    private static byte[] message(String eol, String... headerLines) {
        StringBuilder text = new StringBuilder();
        for (String line : headerLines) {
            text.append(line).append(eol);
        }
        text.append(eol);
        Random random = new Random(String.join("", headerLines).hashCode());
        byte[] chunk = new byte[57];
        while (text.length() < LARGE_BODY) {
            random.nextBytes(chunk);
            text.append(java.util.Base64.getEncoder().encodeToString(chunk)).append(eol);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] withBody(String headerSection) {
        return (headerSection + "body\r\n".repeat(LARGE_BODY / 6)).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * {@code depth} nested multiparts; the first part of each level holds a line longer than
     * {@link MimeLines#MAX_LINE_BYTES}, so the line splitting is exercised across the stream's buffer.
     */
    private static byte[] nestedMultipart(int depth) {
        StringBuilder eml = new StringBuilder("From: billing@example.com\r\nTo: customer@example.net\r\n"
                + "Message-ID: <nested@example.com>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\npreamble\r\n");
        String longLine = "x".repeat(MimeLines.MAX_LINE_BYTES + 1000) + "\r\n";
        for (int i = 1; i < depth; i++) {
            eml.append("--b").append(i - 1).append("\r\nContent-Type: text/plain\r\n\r\n").append(longLine)
                    .append("--b").append(i - 1).append("\r\nContent-Type: multipart/alternative;\r\n boundary=\"b")
                    .append(i).append("\"\r\n\r\n");
        }
        eml.append("--b").append(depth - 1).append("\r\nContent-Type: text/plain\r\n\r\nhello\r\n");
        for (int i = depth - 1; i >= 0; i--) {
            eml.append("--b").append(i).append("--\r\n");
        }
        while (eml.length() < LARGE_BODY) {
            eml.append("epilogue line\r\n");
        }
        return eml.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] badInputFile(String name) {
        try (InputStream in = FileBackedMimeParsingTest.class.getResourceAsStream("/bad-input/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
