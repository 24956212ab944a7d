package dev.oauthsmtprelay.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class MimeHeaderSectionTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void should_unfold_values_and_show_the_headers_as_text() {
        MimeHeaderSection headers = MimeHeaderSection.read(bytes(
                "From: a@example.com\r\nTo: b@example.org,\r\n\tc@example.org\r\nto: d@example.org\r\n\r\nTo: body\r\n"));

        assertThat(headers.values("TO")).containsExactly("b@example.org,\tc@example.org", "d@example.org");
        assertThat(headers.values("Cc")).isEmpty();
        assertThat(headers.text()).isEqualTo("From: a@example.com\nTo: b@example.org,\n\tc@example.org\nto: d@example.org");
    }

    @Test
    void should_add_a_field_to_a_message_without_body_or_final_line_break() {
        MimeHeaderSection headers = MimeHeaderSection.read(bytes("From: a@example.com\nSubject: x"));

        assertThat(new String(headers.rewrite(name -> true, List.of("Bcc: b@example.org")), StandardCharsets.UTF_8))
                .isEqualTo("From: a@example.com\nSubject: x\nBcc: b@example.org\n");
    }

    @Test
    void should_copy_the_body_byte_for_byte_even_if_it_looks_like_headers() {
        byte[] message = bytes("Subject: x\r\nBcc: old@example.org\r\n\r\nBcc: not a header\r\n\u00ff\r\n");

        byte[] rewritten = MimeHeaderSection.read(message).rewrite(name -> !name.equals("Bcc"), List.of());

        assertThat(new String(rewritten, StandardCharsets.UTF_8))
                .isEqualTo("Subject: x\r\n\r\nBcc: not a header\r\n\u00ff\r\n");
    }
}
