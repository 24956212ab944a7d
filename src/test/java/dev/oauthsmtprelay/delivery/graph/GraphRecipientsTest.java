package dev.oauthsmtprelay.delivery.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.message.MimeHeaderSection;

class GraphRecipientsTest {

    private static final String BODY = "\r\nLine one\r\nTo: not a header\r\n";

    @Test
    void a_message_whose_fields_name_exactly_the_envelope_is_sent_unchanged() {
        byte[] mime = mime("To: A <a@example.net>\r\nCc: b@example.net\r\n");
        assertThat(GraphRecipients.matchEnvelope(mime, List.of("A@example.net", "b@example.net"))).isSameAs(mime);
    }

    @Test
    void envelope_recipients_no_field_names_go_into_bcc_and_the_rest_is_byte_for_byte_the_same() {
        byte[] mime = mime("To: a@example.net\r\nBcc: stale@example.net\r\n");

        byte[] sent = GraphRecipients.matchEnvelope(mime, List.of("a@example.net", "audit@example.com"));

        MimeHeaderSection headers = MimeHeaderSection.read(sent);
        assertThat(headers.values("To")).containsExactly("a@example.net");
        assertThat(headers.values("Bcc")).containsExactly("audit@example.com");
        assertThat(new String(sent, StandardCharsets.UTF_8)).endsWith(BODY).contains("Subject: Hello\r\n");
    }

    @Test
    void field_recipients_outside_this_attempts_envelope_are_taken_out_so_nobody_gets_it_twice() {
        byte[] mime = mime("To: a@example.net, B <b@example.net>\r\nCc: c@example.net\r\n");

        MimeHeaderSection headers = MimeHeaderSection.read(GraphRecipients.matchEnvelope(mime,
                List.of("b@example.net")));

        assertThat(headers.values("To")).containsExactly("B <b@example.net>");
        assertThat(headers.values("Cc")).isEmpty();
        assertThat(headers.values("Bcc")).isEmpty();
    }

    @Test
    void a_long_bcc_list_is_folded_into_lines_smtp_allows() {
        List<String> envelope = IntStream.range(0, 200).mapToObj(i -> "reader" + i + "@example.net").toList();

        byte[] sent = GraphRecipients.matchEnvelope(mime("To: undisclosed-recipients:;\r\n"), envelope);

        String text = new String(sent, StandardCharsets.UTF_8);
        assertThat(text.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
        assertThat(MimeHeaderSection.read(sent).values("Bcc").get(0).split(",")).hasSize(200);
    }

    private static byte[] mime(String recipients) {
        return ("From: billing@example.com\r\n" + recipients + "Subject: Hello\r\n" + BODY)
                .getBytes(StandardCharsets.UTF_8);
    }
}
