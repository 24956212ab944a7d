package dev.oauthsmtprelay.deadletter;

import static dev.oauthsmtprelay.deadletter.DeadLetters.T0;
import static dev.oauthsmtprelay.deadletter.DeadLetters.letter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.intake.parse.IntakeSettings;
import dev.oauthsmtprelay.intake.parse.MimeMessageParser;
import dev.oauthsmtprelay.message.RelayMessage;

class DeadLetterRetryTest {

    private static final String BODY = "\r\nGr\u00fc\u00dfe,\r\nthe job ended.\r\n.\r\n\r\n";

    @TempDir
    Path dataDir;

    private Path spool() {
        return dataDir.resolve("spool");
    }

    private DeadLetterStore store() {
        return DeadLetterStore.inDataDir(dataDir);
    }

    private static byte[] body(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int separator = text.indexOf("\r\n\r\n");
        return Arrays.copyOfRange(message, separator + 4, message.length);
    }

    @Test
    void should_put_the_message_into_the_spool_with_the_failed_recipients_as_its_envelope() throws Exception {
        String mime = "From: QSYSOPR@ibmi.local\r\nTo: Bob <BOB@example.org>\r\nCc: carol@example.org\r\n"
                + "Subject: Report\r\n\r\n" + BODY;
        store().write(letter("report-1", mime, List.of("bob@example.org", "dave@example.org", "erin@example.org"), T0));

        RetriedDeadLetter retried = store().retry("report-1", spool());

        Path file = spool().resolve("report-1.eml");
        assertThat(retried.spoolFile()).isEqualTo(file);
        assertThat(retried.recipients()).containsExactly("bob@example.org", "dave@example.org", "erin@example.org");
        byte[] written = Files.readAllBytes(file);
        assertThat(new String(written, StandardCharsets.UTF_8)).startsWith("From: QSYSOPR@ibmi.local\r\n"
                + "To: Bob <BOB@example.org>\r\nCc: carol@example.org\r\nSubject: Report\r\n"
                + "X-Relay-Envelope-To: bob@example.org, dave@example.org, erin@example.org\r\n\r\n");
        assertThat(body(written)).isEqualTo(body(mime.getBytes(StandardCharsets.UTF_8)));
        assertThat(store().exists("report-1")).isFalse();
        try (Stream<Path> files = Files.list(spool())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void should_give_the_spool_intake_back_the_original_envelope_and_send_the_original_bytes() throws Exception {
        String mime = "From: QSYSOPR@ibmi.local\r\nTo: bob@example.org\r\nSubject: Report\r\n"
                + "Message-ID: <1@ibmi.local>\r\nDate: Sun, 1 Mar 2026 10:00:00 +0000\r\n\r\n" + BODY;
        store().write(letter("report-2", mime, List.of("bob@example.org", "dave@example.org"), T0));

        store().retry("report-2", spool());

        RelayMessage intake = parse(spool().resolve("report-2.eml"));
        assertThat(intake.envelope().recipients()).containsExactly("bob@example.org", "dave@example.org");
        assertThat(intake.envelope().mailFrom()).isEqualTo("QSYSOPR@ibmi.local");
        assertThat(intake.mime()).isEqualTo(mime.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_not_send_again_to_to_and_cc_recipients_that_accepted_the_first_delivery() throws Exception {
        // a partial failure: bob and carol accepted it, only dave's mailbox refused it (dead letter for dave alone)
        String mime = "From: QSYSOPR@ibmi.local\r\nTo: bob@example.org, dave@example.org\r\nCc: carol@example.org\r\n"
                + "Subject: Report\r\nMessage-ID: <2@ibmi.local>\r\nDate: Sun, 1 Mar 2026 10:00:00 +0000\r\n\r\n" + BODY;
        store().write(letter("partial", mime, List.of("dave@example.org"), T0));

        RetriedDeadLetter retried = store().retry("partial", spool());

        assertThat(retried.recipients()).containsExactly("dave@example.org");
        RelayMessage intake = parse(spool().resolve("partial.eml"));
        assertThat(intake.envelope().recipients()).containsExactly("dave@example.org");
        assertThat(intake.mime()).as("the header is not sent").isEqualTo(mime.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_leave_the_message_untouched_when_the_dead_letter_recorded_no_recipients() throws Exception {
        String mime = "From: a@example.com\r\nTo: bob@example.org\r\nSubject: x\r\n\r\nbody\r\n";
        store().write(letter("no-envelope", mime, List.of(), T0));

        RetriedDeadLetter retried = store().retry("no-envelope", spool());

        assertThat(retried.recipients()).isEmpty();
        assertThat(spool().resolve("no-envelope.eml")).hasContent(mime);
    }

    @Test
    void should_fold_a_long_envelope_header_drop_bcc_and_keep_lf_line_endings() throws Exception {
        List<String> recipients = List.of("first.recipient@example.org", "second.recipient@example.org",
                "third.recipient@example.org", "fourth.recipient@example.org");
        String mime = "From: a@example.com\nTo: undisclosed-recipients:;\nBcc: old@example.org\n"
                + "X-Relay-Envelope-To: stale@example.org\nSubject: x\n\nbody\n";
        store().write(letter("folded", mime, recipients, T0));

        store().retry("folded", spool());

        String written = Files.readString(spool().resolve("folded.eml"));
        assertThat(written).isEqualTo("From: a@example.com\nTo: undisclosed-recipients:;\nSubject: x\n"
                + "X-Relay-Envelope-To: first.recipient@example.org,\n"
                + " second.recipient@example.org, third.recipient@example.org,\n"
                + " fourth.recipient@example.org\n\nbody\n");
        assertThat(written.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(parse(spool().resolve("folded.eml")).envelope().recipients()).containsExactlyElementsOf(recipients);
    }

    private static RelayMessage parse(Path file) throws Exception {
        return new MimeMessageParser(IntakeSettings.defaults("example.com")).parse(Files.readAllBytes(file));
    }

    @Test
    void should_not_overwrite_a_file_already_in_the_spool_and_keep_the_dead_letter() throws IOException {
        store().write(letter("busy", T0));
        Files.createDirectories(spool());
        Files.writeString(spool().resolve("busy.eml"), "another message");

        assertThatThrownBy(() -> store().retry("busy", spool()))
                .isInstanceOf(DeadLetterStoreException.class)
                .hasMessageStartingWith("The spool already holds " + spool().resolve("busy.eml").toAbsolutePath());
        assertThat(store().exists("busy")).isTrue();
        assertThat(spool().resolve("busy.eml")).hasContent("another message");
    }

    @Test
    void should_keep_the_dead_letter_when_the_spool_cannot_be_written() throws IOException {
        store().write(letter("stuck", T0));
        Path notADirectory = Files.writeString(dataDir.resolve("spool-file"), "x");

        assertThatThrownBy(() -> store().retry("stuck", notADirectory))
                .isInstanceOf(DeadLetterStoreException.class)
                .hasMessageStartingWith("Cannot put dead letter stuck back into the spool " + notADirectory.toAbsolutePath())
                .hasMessageContaining("check relay.spool.dir");
        assertThat(store().exists("stuck")).isTrue();
    }

    @Test
    void should_refuse_an_unknown_id() {
        assertThatThrownBy(() -> store().retry("unknown", spool())).isInstanceOf(DeadLetterNotFoundException.class);
        assertThat(spool()).doesNotExist();
    }

    @Test
    void should_let_purge_use_any_clock() {
        store().write(letter("old", T0));
        assertThat(store().purgeOlderThan(java.time.Duration.ofDays(1), Clock.systemUTC())).isEqualTo(1);
    }
}
