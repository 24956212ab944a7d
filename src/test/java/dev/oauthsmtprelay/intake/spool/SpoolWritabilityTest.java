package dev.oauthsmtprelay.intake.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real directories; the read-only case on a tmpfs remounted read-only (needs the right to mount). */
class SpoolWritabilityTest {

    @TempDir
    Path dir;

    @Test
    void a_writable_spool_and_one_that_does_not_exist_yet_have_no_problem() throws IOException {
        Path file = Files.writeString(dir.resolve("a.eml"), "x");

        assertThat(SpoolWritability.problem(dir)).isEmpty();
        assertThat(SpoolWritability.problem(dir.resolve("created-by-camel-later"))).isEmpty();
        SpoolWritability.requireWritable(file);
        try (var entries = Files.list(dir)) {
            assertThat(entries).as("no probe left behind").containsExactly(file);
        }
    }

    @Test
    void a_read_only_spool_names_the_cause_and_keeps_its_file() throws Exception {
        Path mountPoint = Files.createDirectories(dir.resolve("ro"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.toString()) == 0,
                "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): the read-only case is not exercised");
        try {
            Path file = Files.writeString(mountPoint.resolve("a.eml"), "x");
            assertThat(run("mount", "-o", "remount,ro", mountPoint.toString())).isZero();

            assertThat(SpoolWritability.problem(mountPoint)).get().extracting(Throwable::getMessage).asString()
                    .contains("Read-only file system");
            assertThatThrownBy(() -> SpoolWritability.requireWritable(file))
                    .isInstanceOf(SpoolWritability.NotWritableException.class)
                    .hasMessageContaining("a.eml is not queued").hasMessageContaining("Read-only file system");
            assertThat(DiskError.in(SpoolWritability.problem(mountPoint).orElseThrow())).contains(DiskError.READ_ONLY);
            assertThat(file).exists();
        } finally {
            run("umount", mountPoint.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }
}
