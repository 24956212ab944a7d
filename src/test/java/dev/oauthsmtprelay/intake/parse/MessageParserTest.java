package dev.oauthsmtprelay.intake.parse;

import static dev.oauthsmtprelay.intake.parse.MimeSamples.CLOCK;
import static dev.oauthsmtprelay.intake.parse.MimeSamples.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.message.Envelope;
import dev.oauthsmtprelay.message.EnvelopeOverride;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.RelayMessage;

class MessageParserTest {

    private final MessageParser parser = new MessageParser(new IntakeSettings("example.com", 1_000_000, List.of(), CLOCK));

    @Test
    void should_parse_eml_files_as_mime_sent_as_written() throws Exception {
        byte[] input = resource("complete.eml");

        RelayMessage message = parser.parse("nightly.eml", input);

        assertThat(message.mime()).isEqualTo(input);
        assertThat(message.envelope()).isEqualTo(new Envelope("scheduler@example.com", List.of("ops@example.com"),
                "<nightly-4711@example.com>"));
    }

    @Test
    void should_parse_json_files_as_structured_messages() throws Exception {
        RelayMessage message = parser.parse("nightly.json", resource("text-only.json"));

        assertThat(message.envelope().mailFrom()).isEqualTo("scheduler@example.com");
        assertThat(new String(message.mime(), StandardCharsets.US_ASCII)).contains("Subject: Nightly batch finished");
    }

    @Test
    void should_ignore_the_case_of_the_extension() throws Exception {
        RelayMessage message = parser.parse("PAYROLL.EML", resource("qtmm-sendmail.eml"));

        assertThat(message.envelope().mailFrom()).isEqualTo("payroll@example.com");
    }

    @Test
    void should_reject_other_extensions_naming_the_accepted_ones() {
        assertThatThrownBy(() -> parser.parse("report.txt", resource("complete.eml")))
                .isInstanceOf(InvalidMessageException.class)
                .hasMessageContaining("unsupported file type: \"report.txt\"")
                .hasMessageContaining(".eml")
                .hasMessageContaining(".json");
    }

    @Test
    void should_apply_the_envelope_override_for_mime_from_jms() throws Exception {
        RelayMessage message = parser.parseMime(resource("complete.eml"),
                new EnvelopeOverride("batch@example.com", List.of("oncall@example.com")));

        assertThat(message.envelope().mailFrom()).isEqualTo("batch@example.com");
        assertThat(message.envelope().recipients()).containsExactly("oncall@example.com");
    }

    @Test
    void should_parse_json_from_jms() throws Exception {
        RelayMessage message = parser.parseJson(resource("attachment-base64.json"));

        assertThat(message.envelope().recipients()).containsExactly("customer@example.org");
    }
}
