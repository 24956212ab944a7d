package dev.oauthsmtprelay.app.karaf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.oauthsmtprelay.fixtures.FreePort;

/**
 * A real Apache Karaf (the distribution from Maven Central, unpacked by the build) in its own directory and process,
 * reachable only on 127.0.0.1, resolving {@code mvn:} URLs from its own {@code system/} folder and one local
 * repository directory, never from the network.
 */
final class KarafInstance implements AutoCloseable {

    private static final String USER = "karaf";
    private static final String PASSWORD = "karaf-it";

    private final Path home;
    private final int sshPort;
    private Process process;

    private KarafInstance(Path home, int sshPort) {
        this.home = home;
        this.sshPort = sshPort;
    }

    /**
     * Copies the distribution to {@code home} and configures it: SSH and JMX on free loopback ports, an SSH user for
     * {@code bin/client}, and pax-url-mvn offline with {@code repository} as its only addition to {@code system/}.
     */
    static KarafInstance prepare(Path distribution, Path home, Path repository) throws IOException {
        if (!Files.isDirectory(distribution.resolve("bin"))) {
            throw new IllegalStateException("No Karaf distribution at " + distribution + ": run the tests with "
                    + "'mvn verify' (the pre-integration-test phase unpacks org.apache.karaf:apache-karaf).");
        }
        copyTree(distribution, home);
        KarafInstance karaf = new KarafInstance(home, FreePort.find());
        karaf.append("etc/users.properties", USER + " = " + PASSWORD + ",_g_:admingroup",
                "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh");
        karaf.append("etc/org.apache.karaf.shell.cfg", "sshHost = 127.0.0.1", "sshPort = " + karaf.sshPort);
        karaf.append("etc/org.apache.karaf.management.cfg", "rmiRegistryPort = " + FreePort.find(),
                "rmiServerPort = " + FreePort.find());
        Files.writeString(home.resolve("etc/org.ops4j.pax.url.mvn.cfg"), String.join("\n",
                "org.ops4j.pax.url.mvn.offline = true",
                "org.ops4j.pax.url.mvn.useFallbackRepositories = false",
                "org.ops4j.pax.url.mvn.localRepository = " + home.resolve("empty-local-repository"),
                "org.ops4j.pax.url.mvn.defaultRepositories = "
                        + "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
                        + repository.toUri() + "@id=relay.build@snapshots",
                "org.ops4j.pax.url.mvn.repositories =", ""));
        return karaf;
    }

    /** A configuration file under {@code etc/}, as an administrator would drop it there. */
    void writeConfiguration(String fileName, String content) throws IOException {
        Path target = home.resolve("etc").resolve(fileName);
        Path temporary = home.resolve("etc").resolve("." + fileName + ".tmp");
        Files.writeString(temporary, content);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Starts {@code bin/karaf server}; returns once the shell answers over SSH. */
    void start(Duration timeout) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("console.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_MAX_MEM", "768m");
        process = builder.start();
        run(timeout, "version");
    }

    /** Runs shell commands through {@code bin/client} and returns their output; fails on a non-zero exit. */
    String run(Duration timeout, String commands) throws IOException {
        int attempts = (int) Math.max(1, timeout.toSeconds());
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/client").toString(), "-h", "127.0.0.1",
                "-a", String.valueOf(sshPort), "-u", USER, "-p", PASSWORD, "-r", String.valueOf(attempts), "-d", "1",
                commands));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = builder.start();
        try {
            if (!client.waitFor(timeout.toSeconds() + 30, TimeUnit.SECONDS)) {
                client.destroyForcibly();
                throw new AssertionError("Karaf did not answer '" + commands + "' within " + timeout + "; log:\n"
                        + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
        String output = new String(client.getInputStream().readAllBytes());
        if (client.exitValue() != 0 || output.contains("Error executing command")) {
            throw new AssertionError("'" + commands + "' failed (exit " + client.exitValue() + "): " + output
                    + "\nKaraf log:\n" + log());
        }
        return output;
    }

    /** {@code data/log/karaf.log}: the relay's own log lines end up here, through pax-logging. */
    String log() {
        try {
            Path log = home.resolve("data/log/karaf.log");
            return Files.exists(log) ? Files.readString(log) : "(no data/log/karaf.log yet)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        // bin/karaf runs the JVM as its child: stop the whole tree
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                handle.destroyForcibly();
            }
        }
    }

    private void append(String file, String... lines) throws IOException {
        Files.writeString(home.resolve(file), "\n" + String.join("\n", lines) + "\n", StandardOpenOption.APPEND);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
