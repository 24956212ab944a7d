package dev.oauthsmtprelay.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * relay.data.dir on a file system that is read-only when the relay starts (a running relay cannot meet this: the
 * kernel refuses to remount a file system read-only while the journal has files open for writing). The relay must
 * refuse to start with a message naming the directory and the fix, and leave the spool alone.
 */
class ReadOnlyDataDirectoryTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    private Tmpfs dataFs;
    private XOAuth2SmtpHub hub;
    private RelayHarness relay;

    @Test
    void should_refuse_to_start_and_name_the_directory_when_the_data_directory_is_read_only() throws Exception {
        dataFs = bed.closeAfter(Tmpfs.mountOrSkip(dir.resolve("datafs"), "4m", "the read-only data directory case"));
        dataFs.remount("ro");
        Path spool = Files.createDirectories(dir.resolve("spool"));
        Files.writeString(spool.resolve("waiting.eml"), "From: billing@example.com\r\nTo: customer@example.net\r\n"
                + "Subject: waiting\r\n\r\nbody\r\n", StandardCharsets.US_ASCII);
        hub = bed.hub();
        relay = bed.harness(dir,
                Map.of("relay.data.dir", dataFs.path().resolve("data")));

        assertThatThrownBy(relay::start).hasStackTraceContaining(dataFs.path().resolve("data").toString())
                .hasStackTraceContaining("relay.data.dir");
        assertThat(spool.resolve("waiting.eml")).as("the spool is left alone").exists();
        assertThat(hub.messageCount()).isZero();
    }
}
