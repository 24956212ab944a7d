package dev.oauthsmtprelay.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.Eventually;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;

/** The command line as an administrator runs it: its own JVM, exit status, environment overrides. */
class RelayCliProcessTest {

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
    }

    private Result runCli(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RelayCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void should_take_keys_from_environment_variables_over_the_config_file() throws Exception {
        try (TokenServer server = new TokenServer()) {
            Path credentials = TestCredentials.microsoftFile(dir, server);
            Path config = new RelayConfigFile()
                    .set("relay.credentials", credentials)
                    .set("relay.alias-domain", "wrong.example")
                    .writeTo(dir.resolve("relay.properties"));

            Result result = runCli(Map.of("RELAY_ALIAS_DOMAIN", "example.com"), "token", "--config", config.toString());

            assertThat(result.status()).as(result.err()).isZero();
            assertThat(result.out()).contains("provider:  Microsoft 365");
            assertThat(result.out() + result.err()).doesNotContain(TestCredentials.CLIENT_SECRET);
        }
    }

    @Test
    void should_deliver_the_welcome_message_and_a_dropped_file_in_the_demo_sandbox() throws Exception {
        Path demo = dir.resolve("demo");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the demo's listener on a free port: port 2525 may be taken by another build on the machine
                "-Drelay.listener.port=0", "-cp", System.getProperty("java.class.path"), RelayCli.class.getName(),
                "demo", "--dir", demo.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("demo.log").toFile()).start();
        try {
            Path received = demo.resolve("received");
            Eventually.await(Duration.ofSeconds(60), () -> count(received) >= 1,
                    () -> "the welcome message in " + received + "; log:\n" + read(dir.resolve("demo.log")));
            Path temp = demo.resolve("spool").resolve(".hello.eml.tmp");
            Files.writeString(temp, "From: QSYSOPR@demo.example\r\nTo: someone@demo.example\r\n"
                    + "Subject: dropped by the test\r\n\r\nhello\r\n");
            Files.move(temp, demo.resolve("spool").resolve("hello.eml"));
            Eventually.await(Duration.ofSeconds(30), () -> count(received) >= 2,
                    () -> "the dropped message in " + received + "; log:\n" + read(dir.resolve("demo.log")));
            assertThat(read(dir.resolve("demo.log"))).contains("Delivered").doesNotContain("ERROR");
        } finally {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the demo stops on SIGTERM").isTrue();
        }
    }

    private static long count(Path directory) {
        try (var files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".eml")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Test
    void should_exit_1_with_a_message_and_no_stack_trace_when_run_cannot_start() throws Exception {
        Path config = new RelayConfigFile().set("relay.alias-domain", "example.com")
                .set("relay.credentials", dir.resolve("absent.json"))
                .writeTo(dir.resolve("relay.properties"));

        Result result = runCli(Map.of(), "run", "--config", config.toString());

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).contains("Cannot start: Credentials file").contains("absent.json")
                .contains("cannot be read").doesNotContain("\tat ");
    }
}
