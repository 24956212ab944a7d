package dev.oauthsmtprelay.app.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.Eventually;

/**
 * The distribution as an operator gets it: {@code oauth-smtp-relay-<version>.tar.gz} unpacked with tar into an empty
 * directory, its launcher run as a process (--help, --version, the demo under bin/oauth-smtp-relay-demo), the
 * launcher under dash (the plainest POSIX sh here, as IBM i PASE's sh is no bash), the .zip holding the same files,
 * and the systemd unit through {@code systemd-analyze verify} where systemd is installed. Runs in
 * {@code mvn verify} (failsafe), after packaging.
 */
class DistributionIT {

    @TempDir
    Path dir;

    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        Path tarball = Path.of(property("relay.distribution"));
        Result tar = run(dir, List.of("tar", "xzf", tarball.toString()), Map.of());
        assertThat(tar.exit).as("tar xzf: " + tar.output).isZero();
        home = dir.resolve("oauth-smtp-relay-" + property("relay.version"));
        assertThat(home).isDirectory();
    }

    @Test
    void should_hold_launcher_jars_config_docs_routes_and_unit() throws IOException {
        for (String file : List.of("bin/oauth-smtp-relay", "bin/oauth-smtp-relay-demo", "lib/oauth-smtp-relay.jar",
                "lib/oauth-smtp-relay-demo.jar", "config/jvm.options", "config/relay.sample.properties",
                "config/demo-message.eml", "config/google-credentials.sample.json",
                "config/microsoft-credentials.sample.json", "docs/install.md", "docs/configuration.md",
                "routes/delivery.yaml", "systemd/oauth-smtp-relay.service", "README.md")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/oauth-smtp-relay")))
                .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

        Path zip = Path.of(property("relay.distribution").replace(".tar.gz", ".zip"));
        List<String> zipped;
        try (ZipFile file = new ZipFile(zip.toFile())) {
            zipped = file.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).sorted().toList();
        }
        assertThat(zipped).isEqualTo(filesUnder(dir));
    }

    @Test
    void should_print_help_and_the_build_version_through_the_launcher_also_under_dash() throws Exception {
        Result help = run(dir, List.of(home.resolve("bin/oauth-smtp-relay").toString(), "--help"), Map.of());
        assertThat(help.exit).as(help.output).isZero();
        assertThat(help.output).contains("Usage: oauth-smtp-relay", "run", "check", "dead-letter");

        assumeTrue(new File("/usr/bin/dash").canExecute() || new File("/bin/dash").canExecute(), "dash is installed");
        // from another directory, through a symbolic link: the launcher still finds its installation
        Path link = Files.createSymbolicLink(dir.resolve("relay"), home.resolve("bin/oauth-smtp-relay"));
        Result version = run(dir, List.of("dash", link.toString(), "--version"), Map.of());
        assertThat(version.exit).as(version.output).isZero();
        assertThat(version.output).startsWith("oauth-smtp-relay " + property("relay.version") + "\n");
    }

    @Test
    void should_put_jars_in_lib_ext_on_the_class_path_for_a_brokers_client() throws Exception {
        assertThat(home.resolve("lib/ext/README.txt")).isRegularFile();
        Path client = Files.copy(home.resolve("lib/oauth-smtp-relay-demo.jar"), home.resolve("lib/ext/vendor.jar"));

        Result version = run(dir, List.of(home.resolve("bin/oauth-smtp-relay").toString(), "--version"),
                Map.of("RELAY_JAVA_OPTS", "-XshowSettings:properties"));

        assertThat(version.exit).as(version.output).isZero();
        assertThat(version.output).contains(client.toString()).contains("oauth-smtp-relay " + property("relay.version"));
    }

    @Test
    void should_name_the_cause_and_the_fix_when_java_home_is_wrong() throws Exception {
        Result result = run(dir, List.of(home.resolve("bin/oauth-smtp-relay").toString(), "--version"),
                Map.of("JAVA_HOME", dir.resolve("no-java").toString()));

        assertThat(result.exit).isEqualTo(1);
        assertThat(result.output).contains("JAVA_HOME is " + dir.resolve("no-java"), "is not an executable",
                "Point JAVA_HOME at a Java 17");
    }

    @Test
    void should_run_the_demo_from_the_unpacked_directory_with_the_jvm_options() throws Exception {
        Path log = dir.resolve("demo.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/oauth-smtp-relay-demo").toString())
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        try {
            Path received = home.resolve("demo").resolve("received");
            Eventually.await(Duration.ofSeconds(60), () -> count(received) >= 1,
                    () -> "the welcome message in " + received + "; log:\n" + read(log));
            Path temp = home.resolve("demo/spool/.demo-message.eml.tmp");
            Files.copy(home.resolve("config/demo-message.eml"), temp);
            Files.move(temp, home.resolve("demo/spool/demo-message.eml"));
            Eventually.await(Duration.ofSeconds(30), () -> count(received) >= 2,
                    () -> "config/demo-message.eml in " + received + "; log:\n" + read(log));
            assertThat(read(log)).contains("Delivered", "Configuration: ", "oauth-smtp-relay " + property("relay.version"))
                    .doesNotContain("ERROR").doesNotContain("Exception")
                    .as("Camel's property list stays below INFO").doesNotContain("Property-placeholders summary")
                    .as("the console pattern of DefaultLogging")
                    .containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\S+ - Delivered ");
            // the launcher exec'd Java: same process, now the JVM with the options file (read from /proc on Linux)
            assertThat(process.info().arguments().map(List::of).orElseThrow()).as("the JVM's arguments")
                    .contains("@" + home.resolve("config/jvm.options"), "-jar",
                            home.resolve("lib/oauth-smtp-relay-demo.jar").toString());
        } finally {
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the demo stops on SIGTERM").isTrue();
        }
    }

    @Test
    void should_pass_systemd_analyze_verify() throws Exception {
        assumeTrue(new File("/usr/bin/systemd-analyze").canExecute() || new File("/bin/systemd-analyze").canExecute(),
                "systemd-analyze is installed");
        // verify checks that ExecStart's program exists: point the unit at this unpacked installation
        String unit = Files.readString(home.resolve("systemd/oauth-smtp-relay.service"))
                .replace("/opt/oauth-smtp-relay", home.toString());
        Path copy = Files.writeString(dir.resolve("oauth-smtp-relay.service"), unit);
        Result verify = run(dir, List.of("systemd-analyze", "verify", copy.toString()), Map.of());
        assertThat(verify.exit).as(verify.output).isZero();
        assertThat(verify.output).as("no warnings").isEmpty();
    }

    @Test
    void should_pass_checkbashisms_where_installed() throws Exception {
        assumeTrue(new File("/usr/bin/checkbashisms").canExecute(), "checkbashisms is installed");
        Result check = run(dir, List.of("checkbashisms", "--posix", home.resolve("bin/oauth-smtp-relay").toString()),
                Map.of());
        assertThat(check.exit).as(check.output).isZero();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path directory, List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command) + " ends").isTrue();
        return new Result(process.exitValue(), output);
    }

    private static List<String> filesUnder(Path root) throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(f -> files.add(root.relativize(f).toString()
                    .replace(File.separatorChar, '/')));
        }
        Collections.sort(files);
        return files;
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
