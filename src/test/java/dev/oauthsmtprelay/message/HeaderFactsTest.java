package dev.oauthsmtprelay.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class HeaderFactsTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void should_read_from_subject_and_automatic_leniently_from_the_header_section_only() {
        HeaderFacts facts = HeaderFacts.read(bytes("From: \"Ops, Night\" <ops@example.com>\r\nSubject: Job\r\n\tended"
                + "\r\n\r\nFrom: body@example.org\r\nAuto-Submitted: auto-replied\r\n"));

        assertThat(facts.from()).containsExactly("ops@example.com");
        assertThat(facts.subject()).contains("Job\tended");
        assertThat(facts.automatic()).as("the body's lines are not header fields").isFalse();
    }

    @Test
    void should_take_the_addresses_of_every_from_field_in_order() {
        assertThat(HeaderFacts.fromAddresses(List.of("A <a@example.com>", "b@example.com, c@example.com")))
                .containsExactly("a@example.com", "b@example.com", "c@example.com");
        assertThat(HeaderFacts.read(bytes("To: a@example.com\r\n\r\nx")).firstFrom()).isEmpty();
    }

    @Test
    void should_count_auto_submitted_other_than_no_and_reports_as_automatic() {
        assertThat(HeaderFacts.automatic(Optional.of(" No "), Optional.of("text/plain"))).isFalse();
        assertThat(HeaderFacts.automatic(Optional.empty(), Optional.empty())).isFalse();
        assertThat(HeaderFacts.automatic(Optional.of("auto-generated"), Optional.empty())).isTrue();
        assertThat(HeaderFacts.automatic(Optional.empty(), Optional.of("multipart/REPORT; report-type=disposition")))
                .isTrue();
    }
}
