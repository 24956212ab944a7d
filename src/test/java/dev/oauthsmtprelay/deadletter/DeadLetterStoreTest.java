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
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadLetterStoreTest {

    @TempDir
    Path dataDir;

    private DeadLetterStore store() {
        return DeadLetterStore.inDataDir(dataDir);
    }

    private Path dir() {
        return dataDir.resolve("deadletter");
    }

    @Test
    void should_write_the_message_and_the_metadata_and_read_them_back() throws IOException {
        DeadLetter letter = letter("invoice-42", T0);

        store().write(letter);

        assertThat(dir().resolve("invoice-42.eml")).hasBinaryContent(letter.mime());
        assertThat(Files.readString(dir().resolve("invoice-42.json")))
                .contains("\n  \"id\" : \"invoice-42\"")
                .contains("\"lastAttempt\" : \"2026-03-01T10:00:00Z\"")
                .contains("\"firstAttempt\" : \"2026-03-01T09:50:00Z\"")
                .contains("\"smtpReply\" : \"550 5.1.1 user unknown\"")
                .doesNotContain("The job ended");
        assertThat(store().read("invoice-42")).isEqualTo(letter);
    }

    @Test
    void should_keep_null_sender_mailbox_and_smtp_reply() {
        DeadLetter letter = new DeadLetter("no-sender", "From: x@y\r\n\r\nbody".getBytes(StandardCharsets.UTF_8),
                "x@y", List.of("a@example.org"), null, "no sender mailbox for x@y: ...", null, 0, T0, T0, "jms:relay.in");

        store().write(letter);

        DeadLetter read = store().read("no-sender");
        assertThat(read).isEqualTo(letter);
        assertThat(read.senderMailbox()).isNull();
        assertThat(read.smtpReply()).isNull();
    }

    @Test
    void should_overwrite_when_the_same_id_is_written_again() throws IOException {
        store().write(letter("invoice-42", T0));
        DeadLetter again = letter("invoice-42", "From: a@b\r\n\r\nsecond\r\n", List.of("x@example.org"), T0.plusSeconds(60));

        store().write(again);

        assertThat(store().read("invoice-42")).isEqualTo(again);
        assertThat(store().list()).hasSize(1);
        try (Stream<Path> files = Files.list(dir())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("invoice-42.eml", "invoice-42.json");
        }
    }

    @Test
    void should_list_by_last_attempt_without_loading_the_messages() {
        store().write(letter("c", T0.plusSeconds(30)));
        store().write(letter("a", T0.plusSeconds(90)));
        store().write(letter("b", T0));

        List<DeadLetterSummary> list = store().list();

        assertThat(list).extracting(DeadLetterSummary::id).containsExactly("b", "c", "a");
        assertThat(list.get(0).mimeSize()).isEqualTo(DeadLetters.MIME.length());
        assertThat(list.get(0)).isEqualTo(letter("b", T0).summary());
    }

    @Test
    void should_skip_incomplete_pairs_temporary_files_and_damaged_metadata() throws IOException {
        store().write(letter("complete", T0));
        Files.writeString(dir().resolve("crashed.eml"), DeadLetters.MIME);
        Files.writeString(dir().resolve("orphan.json"), Files.readString(dir().resolve("complete.json")));
        Files.writeString(dir().resolve(".complete.json.0123.tmp"), "{");
        Files.writeString(dir().resolve("damaged.eml"), DeadLetters.MIME);
        Files.writeString(dir().resolve("damaged.json"), "{ not json");

        assertThat(store().list()).extracting(DeadLetterSummary::id).containsExactly("complete");
        assertThat(store().exists("crashed")).isFalse();
        assertThatThrownBy(() -> store().read("crashed")).isInstanceOf(DeadLetterNotFoundException.class);
        assertThatThrownBy(() -> store().read("damaged"))
                .isInstanceOf(DeadLetterStoreException.class)
                .hasMessageContaining("damaged.json is damaged (not valid JSON at line 1, column 3: Unexpected character")
                .hasMessageContaining("Repair the JSON, or delete damaged.json and damaged.eml");
    }

    @Test
    void should_list_nothing_when_the_directory_does_not_exist_yet() {
        assertThat(store().list()).isEmpty();
    }

    @Test
    void should_say_which_directory_holds_no_such_dead_letter() {
        assertThatThrownBy(() -> store().read("unknown"))
                .isInstanceOf(DeadLetterNotFoundException.class)
                .hasMessage("No dead letter \"unknown\" in " + dir().toAbsolutePath() + ". 'dead-letter list' shows the "
                        + "ids there; check --config / relay.data.dir if the list is empty.");
    }

    @Test
    void should_delete_both_files_and_report_unknown_ids() {
        store().write(letter("gone", T0));

        assertThat(store().delete("gone")).isTrue();

        assertThat(dir().resolve("gone.eml")).doesNotExist();
        assertThat(dir().resolve("gone.json")).doesNotExist();
        assertThat(store().delete("gone")).isFalse();
    }

    @Test
    void should_purge_by_age_of_the_last_attempt() {
        store().write(letter("ten-days", T0.minus(Duration.ofDays(10))));
        store().write(letter("eight-days", T0.minus(Duration.ofDays(8))));
        store().write(letter("six-days", T0.minus(Duration.ofDays(6))));
        store().write(letter("today", T0.minusSeconds(5)));
        Clock now = Clock.fixed(T0, ZoneOffset.UTC);

        int purged = store().purgeOlderThan(Duration.ofDays(7), now);

        assertThat(purged).isEqualTo(2);
        assertThat(store().list()).extracting(DeadLetterSummary::id).containsExactly("six-days", "today");
        assertThat(store().purgeOlderThan(Duration.ofDays(7), now)).isZero();
        assertThat(store().purgeOlderThan(Duration.ZERO, now)).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/b", "a\\b", ".hidden", "a..b", "", " x", "x y", "-x"})
    void should_refuse_ids_that_are_not_safe_file_names(String id) {
        assertThatThrownBy(() -> store().read(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid dead letter id \"" + id + "\"")
                .hasMessageContaining("contains no '..' or path separator");
        assertThatThrownBy(() -> store().delete(id)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().retry(id, dataDir.resolve("spool"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> letter(id, T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void should_name_the_directory_and_relay_data_dir_when_it_cannot_be_written() throws IOException {
        Path notADirectory = Files.writeString(dataDir.resolve("data"), "a file where a directory should be");
        DeadLetterStore store = DeadLetterStore.inDataDir(notADirectory);

        assertThatThrownBy(() -> store.write(letter("x", T0)))
                .isInstanceOf(DeadLetterStoreException.class)
                .hasMessageStartingWith("Cannot write dead letter x to " + notADirectory.resolve("deadletter").toAbsolutePath())
                .hasMessageContaining("Free space on its file system, make that directory writable for the relay's "
                        + "user, or set relay.data.dir to a writable directory (dead letters are kept in "
                        + "<relay.data.dir>/deadletter).");
    }
}
