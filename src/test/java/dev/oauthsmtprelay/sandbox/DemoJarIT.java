package dev.oauthsmtprelay.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.Eventually;

/**
 * The two jars {@code mvn package} builds, as a user gets them: the runnable relay without the sandbox, and
 * {@code oauth-smtp-relay-demo.jar} with nothing but the sandbox, which runs the demo with only the relay's jar
 * beside it. Runs in {@code mvn verify} (failsafe), after packaging.
 */
class DemoJarIT {

    private static final String SANDBOX = "dev/oauthsmtprelay/sandbox/";

    @TempDir
    Path dir;

    @Test
    void should_leave_the_sandbox_out_of_the_runnable_jar() throws IOException {
        List<String> entries = entries(Path.of(property("relay.jar")));

        assertThat(entries).contains("dev/oauthsmtprelay/app/cli/RelayCli.class");
        assertThat(entries).noneMatch(e -> e.startsWith(SANDBOX) || e.startsWith("demo/"));
    }

    @Test
    void should_hold_exactly_the_sandbox_sources_and_the_welcome_message_in_the_demo_jar() throws IOException {
        Path demoJar = Path.of(property("relay.demo.jar"));
        Set<String> sources;
        try (Stream<Path> files = Files.list(Path.of(property("relay.sandbox.sources"), SANDBOX))) {
            sources = files.map(f -> f.getFileName().toString().replace(".java", "")).collect(Collectors.toSet());
        }

        List<String> classes = entries(demoJar).stream().filter(e -> e.endsWith(".class")).toList();

        assertThat(classes).isNotEmpty().allSatisfy(c -> {
            assertThat(c).startsWith(SANDBOX);
            assertThat(sources).as("a source in src/sandbox/java for " + c)
                    .contains(c.substring(SANDBOX.length()).replaceAll("[$.].*", ""));
        });
        assertThat(entries(demoJar)).contains("demo/welcome.eml");
        try (JarFile jar = new JarFile(demoJar.toFile())) {
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertThat(manifest.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo(DemoMain.class.getName());
            assertThat(manifest.getValue(Attributes.Name.CLASS_PATH))
                    .isEqualTo(Path.of(property("relay.jar")).getFileName().toString());
        }
    }

    @Test
    void should_run_the_demo_from_the_two_jars_alone() throws Exception {
        Path install = Files.createDirectories(dir.resolve("install"));
        for (String jar : new String[] {"relay.jar", "relay.demo.jar"}) {
            Path file = Path.of(property(jar));
            Files.copy(file, install.resolve(file.getFileName()));
        }
        Path demo = dir.resolve("demo");
        Path log = dir.resolve("demo.log");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", install.resolve(Path.of(property("relay.demo.jar")).getFileName()).toString(),
                "--dir", demo.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path received = demo.resolve("received");
            Eventually.await(Duration.ofSeconds(60), () -> count(received) >= 1,
                    () -> "the welcome message in " + received + "; log:\n" + read(log));
            Path temp = demo.resolve("spool").resolve(".demo-message.eml.tmp");
            Files.copy(Path.of("config", "demo-message.eml"), temp);
            Files.move(temp, demo.resolve("spool").resolve("demo-message.eml"));
            Eventually.await(Duration.ofSeconds(30), () -> count(received) >= 2,
                    () -> "config/demo-message.eml in " + received + "; log:\n" + read(log));
            assertThat(read(log)).contains("Delivered").doesNotContain("ERROR").doesNotContain("Exception");
        } finally {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the demo stops on SIGTERM").isTrue();
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry::getName).toList();
        }
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertThat(value).as("system property " + name + " (set by failsafe in pom.xml)").isNotNull();
        return value;
    }

    private static long count(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
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
}
