package dev.oauthsmtprelay.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.oauthsmtprelay.cli.RelayCli;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The relay as an administrator runs it: {@code RelayCli run --config ...} in its own JVM, with the
 * same short delays as {@link dev.oauthsmtprelay.fixtures.RelayHarness}, so that it can be killed
 * like a real process (SIGKILL, no shutdown hooks) or given a small heap.
 */
final class RelayProcess implements AutoCloseable {

    private final Path dir;
    private final Path config;
    private final List<String> jvmOptions;
    private Process process;
    private int starts;

    RelayProcess(Path dir, Path credentials, XOAuth2SmtpHub hub, Map<String, Object> extra, String... jvmOptions) {
        this.dir = dir;
        this.jvmOptions = List.of(jvmOptions);
        RelayConfigFile file = new RelayConfigFile()
                .set("relay.credentials", credentials)
                .set("relay.alias-domain", "example.com")
                .set("relay.smtp.host", hub.hostName())
                .set("relay.smtp.port", hub.port())
                .set("relay.smtp.tls", "starttls")
                .set("relay.smtp.trust-store", hub.certificatePemPath())
                .set("relay.smtp.connect-timeout", "2s")
                .set("relay.smtp.timeout", "20s")
                .set("relay.data.dir", dir.resolve("data"))
                .set("relay.spool.dir", spoolDir())
                .set("relay.spool.min-age", "0")
                .set("relay.spool.check-interval", "10")
                .set("relay.spool.poll-interval", "100")
                .set("relay.broker.redelivery-delay", "100")
                .set("relay.broker.max-redelivery-delay", "1s")
                .set("relay.delivery.probe-interval", "200");
        extra.forEach(file::set);
        this.config = file.writeTo(dir.resolve("relay.properties"));
    }

    RelayProcess start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RelayCli.class.getName(),
                "run", "--config", config.toString()));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("relay-" + (++starts) + ".log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** SIGKILL: no shutdown hook, no graceful stop, whatever was in flight stays in flight. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the relay process did not die");
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    Path spoolDir() {
        return dir.resolve("spool");
    }

    Path deadLetterDir() {
        return dir.resolve("data").resolve("deadletter");
    }

    /** The output of every start so far, for failure messages. */
    String log() {
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= starts; i++) {
            try {
                String text = Files.readString(dir.resolve("relay-" + i + ".log"));
                all.append("--- run ").append(i).append(" ---\n")
                        .append(text.length() > 6000 ? text.substring(text.length() - 6000) : text);
            } catch (IOException e) {
                all.append("(no log ").append(i).append(")\n");
            }
        }
        return all.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
