package dev.oauthsmtprelay.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerDirectoryProbeTest {

    @TempDir
    Path dir;

    @Test
    void lets_the_broker_start_where_a_file_can_be_written_and_leaves_nothing_behind() throws Exception {
        assertThat(new BrokerDirectoryProbe(dir, 1024).obstacle()).isEmpty();
        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void names_the_free_space_when_a_journal_file_does_not_fit() {
        assertThat(new BrokerDirectoryProbe(dir, Long.MAX_VALUE).obstacle()).hasValueSatisfying(why ->
                assertThat(why).contains("MB free in " + dir).contains("a journal file needs"));
    }

    @Test
    void names_the_error_when_the_directory_is_gone() {
        Path missing = dir.resolve("missing");
        assertThat(new BrokerDirectoryProbe(missing, 1024).obstacle()).hasValueSatisfying(why ->
                assertThat(why).startsWith("cannot write to " + missing));
    }
}
