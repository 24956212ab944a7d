package dev.oauthsmtprelay.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.oauthsmtprelay.intake.parse.IntakeSettings;
import dev.oauthsmtprelay.intake.parse.MessageParser;
import dev.oauthsmtprelay.message.InvalidMessageException;

/** Every file of the hostile-input corpus is refused by the parser with its own reason (fast, no relay). */
class BadInputParsingTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-05T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path attachments;

    static Stream<String> corpus() {
        return BadInputCorpus.expectedReasons().keySet().stream();
    }

    @Test
    void should_hold_at_least_thirty_files_each_with_a_reason() {
        assertThat(BadInputCorpus.expectedReasons()).hasSizeGreaterThanOrEqualTo(30)
                .allSatisfy((name, reason) -> assertThat(reason).isNotBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void should_refuse_each_corpus_file_with_its_reason(String name) throws Exception {
        MessageParser parser = new MessageParser(new IntakeSettings("example.com", 1_500_000,
                List.of(Files.createDirectories(attachments.resolve("allowed"))), CLOCK));

        InvalidMessageException refused = catchThrowableOfType(InvalidMessageException.class,
                () -> parser.parse(name, BadInputCorpus.content(name, attachments.resolve("allowed"))));

        assertThat(refused).as(name + " must be refused").isNotNull();
        assertThat(refused.getMessage()).contains(BadInputCorpus.expectedReasons().get(name));
    }

    @Test
    void should_accept_a_legitimate_message_nested_below_the_limit() throws Exception {
        StringBuilder eml = new StringBuilder("From: billing@example.com\r\nTo: customer@example.net\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        int depth = 10;
        for (int i = 1; i < depth; i++) {
            eml.append("--b").append(i - 1).append("\r\nContent-Type: multipart/alternative; boundary=\"b").append(i)
                    .append("\"\r\n\r\n");
        }
        eml.append("--b").append(depth - 1).append("\r\nContent-Type: text/plain\r\n\r\nhello\r\n");
        for (int i = depth - 1; i >= 0; i--) {
            eml.append("--b").append(i).append("--\r\n");
        }
        MessageParser parser = new MessageParser(IntakeSettings.defaults("example.com"));

        assertThat(parser.parse("nested.eml", eml.toString().getBytes()).envelope().recipients())
                .containsExactly("customer@example.net");
    }

    @Test
    void should_accept_exactly_the_recipient_limit() throws Exception {
        StringBuilder to = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            to.append(i == 0 ? "" : ", ").append("r").append(i).append("@example.net");
        }
        MessageParser parser = new MessageParser(new IntakeSettings("example.com", 1_000_000, List.of(), CLOCK, 3));

        assertThat(parser.parse("three.eml", ("From: billing@example.com\r\nTo: " + to + "\r\n\r\nx\r\n").getBytes())
                .envelope().recipients()).hasSize(3);
        assertThat(catchThrowableOfType(InvalidMessageException.class, () -> parser.parse("four.eml",
                ("From: billing@example.com\r\nTo: " + to + ", r3@example.net\r\n\r\nx\r\n").getBytes())))
                .hasMessageContaining("too many recipients: 4, the limit is 3").hasMessageContaining("relay.intake.max-recipients");
    }
}
