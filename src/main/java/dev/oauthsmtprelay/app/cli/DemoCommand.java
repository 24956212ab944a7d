package dev.oauthsmtprelay.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.oauthsmtprelay.sandbox.DemoSandbox;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the relay in a sandbox, no cloud account needed: a local OAuth token server and a local "
                + "SMTP hub that requires STARTTLS and checks XOAUTH2 tokens. Drop .eml or .json files into the "
                + "printed spool directory and find what the hub received in the printed folder.")
class DemoCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "demo",
            description = "Working directory for the sandbox (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        try (DemoSandbox sandbox = DemoSandbox.start(dir)) {
            System.out.println(sandbox.summary());
            dropWelcomeMessage(sandbox.spoolDir());
            System.out.println("A welcome message is already in the spool and arrives in a moment.");
            return RelayMain.run(sandbox.configFile());
        }
    }

    private static void dropWelcomeMessage(Path spool) throws IOException {
        Files.createDirectories(spool);
        try (InputStream welcome = DemoCommand.class.getResourceAsStream("/demo/welcome.eml")) {
            Path temp = spool.resolve(".welcome.eml.tmp");
            Files.copy(welcome, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, spool.resolve("welcome.eml"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
