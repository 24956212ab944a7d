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

import dev.oauthsmtprelay.intake.IntakeSettings;
import dev.oauthsmtprelay.intake.MimeMessageParser;
import dev.oauthsmtprelay.intake.RelayMessage;

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
    void should_put_the_message_into_the_spool_with_bcc_for_recipients_not_in_to_or_cc() throws Exception {
        String mime = "From: QSYSOPR@ibmi.local\r\nTo: Bob <BOB@example.org>\r\nCc: carol@example.org\r\n"
                + "Subject: Report\r\n\r\n" + BODY;
        store().write(letter("report-1", mime, List.of("bob@example.org", "dave@example.org", "erin@example.org"), T0));

        RetriedDeadLetter retried = store().retry("report-1", spool());

        Path file = spool().resolve("report-1.eml");
        assertThat(retried.spoolFile()).isEqualTo(file);
        assertThat(retried.addedBcc()).containsExactly("dave@example.org", "erin@example.org");
        assertThat(retried.headerRecipientsNotInEnvelope()).containsExactly("carol@example.org");
        byte[] written = Files.readAllBytes(file);
        assertThat(new String(written, StandardCharsets.UTF_8)).startsWith("From: QSYSOPR@ibmi.local\r\n"
                + "To: Bob <BOB@example.org>\r\nCc: carol@example.org\r\nSubject: Report\r\n"
                + "Bcc: dave@example.org, erin@example.org\r\n\r\n");
        assertThat(body(written)).isEqualTo(body(mime.getBytes(StandardCharsets.UTF_8)));
        assertThat(store().exists("report-1")).isFalse();
        try (Stream<Path> files = Files.list(spool())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void should_give_the_spool_intake_back_the_original_envelope() throws Exception {
        String mime = "From: QSYSOPR@ibmi.local\r\nTo: bob@example.org\r\nSubject: Report\r\n"
                + "Message-ID: <1@ibmi.local>\r\nDate: Sun, 1 Mar 2026 10:00:00 +0000\r\n\r\n" + BODY;
        store().write(letter("report-2", mime, List.of("bob@example.org", "dave@example.org"), T0));

        store().retry("report-2", spool());

        RelayMessage intake = new MimeMessageParser(IntakeSettings.defaults("example.com"))
                .parse(Files.readAllBytes(spool().resolve("report-2.eml")));
        assertThat(intake.envelope().recipients()).containsExactly("bob@example.org", "dave@example.org");
        assertThat(intake.envelope().mailFrom()).isEqualTo("QSYSOPR@ibmi.local");
        assertThat(intake.mime()).isEqualTo(mime.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_leave_the_message_untouched_when_to_and_cc_name_every_recipient() throws Exception {
        store().write(letter("all-visible", T0));

        RetriedDeadLetter retried = store().retry("all-visible", spool());

        assertThat(retried.addedBcc()).isEmpty();
        assertThat(retried.headerRecipientsNotInEnvelope()).isEmpty();
        assertThat(spool().resolve("all-visible.eml")).hasContent(DeadLetters.MIME);
    }

    @Test
    void should_fold_a_long_bcc_replace_an_old_one_and_keep_lf_line_endings() throws Exception {
        List<String> recipients = List.of("first.recipient@example.org", "second.recipient@example.org",
                "third.recipient@example.org", "fourth.recipient@example.org");
        String mime = "From: a@example.com\nTo: undisclosed-recipients:;\nBcc: old@example.org\nSubject: x\n\nbody\n";
        store().write(letter("folded", mime, recipients, T0));

        store().retry("folded", spool());

        String written = Files.readString(spool().resolve("folded.eml"));
        assertThat(written).isEqualTo("From: a@example.com\nTo: undisclosed-recipients:;\nSubject: x\n"
                + "Bcc: first.recipient@example.org, second.recipient@example.org,\n"
                + " third.recipient@example.org, fourth.recipient@example.org\n\nbody\n");
        assertThat(written.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
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
