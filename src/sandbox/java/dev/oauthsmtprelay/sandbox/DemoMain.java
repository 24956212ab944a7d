package dev.oauthsmtprelay.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.oauthsmtprelay.app.cli.RelayCli;
import dev.oauthsmtprelay.config.RelayVersion;
import dev.oauthsmtprelay.delivery.smtp.MailStreamProviderLookup;

/**
 * Entry point of {@code oauth-smtp-relay-demo.jar}: starts the sandbox, then the relay's own {@code run} command
 * on the configuration the sandbox wrote. The relay comes from {@code oauth-smtp-relay.jar} beside this jar
 * (its manifest's {@code Class-Path}).
 */
@Command(name = "oauth-smtp-relay-demo", mixinStandardHelpOptions = true, versionProvider = DemoMain.Version.class,
        description = "Run the relay in a sandbox, no cloud account needed: a local OAuth token server and a local "
                + "SMTP hub that requires STARTTLS and checks XOAUTH2 tokens. Drop .eml or .json files into the "
                + "printed spool directory and find what the hub received in the printed folder.")
public final class DemoMain implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "demo",
            description = "Working directory for the sandbox (default: ${DEFAULT-VALUE}).")
    Path dir;

    public static void main(String[] args) {
        MailStreamProviderLookup.nameAngusProvider();
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        try (DemoSandbox sandbox = DemoSandbox.start(dir)) {
            System.out.println(sandbox.summary());
            dropWelcomeMessage(sandbox.spoolDir());
            System.out.println("A welcome message is already in the spool and arrives in a moment.");
            return RelayCli.commandLine().execute("run", "--config", sandbox.configFile().toString());
        }
    }

    /** The relay's version: the demo is built with it and runs it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"oauth-smtp-relay-demo " + RelayVersion.get()};
        }
    }

    private static void dropWelcomeMessage(Path spool) throws IOException {
        Files.createDirectories(spool);
        try (InputStream welcome = DemoMain.class.getResourceAsStream("/demo/welcome.eml")) {
            Path temp = spool.resolve(".welcome.eml.tmp");
            Files.copy(welcome, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, spool.resolve("welcome.eml"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
