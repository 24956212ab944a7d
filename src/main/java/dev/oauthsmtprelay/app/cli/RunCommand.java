package dev.oauthsmtprelay.app.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the relay: validate configuration and credentials, then take messages from the spool "
                + "directory, queue them durably and deliver them to the hub until stopped (Ctrl+C or SIGTERM).")
class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        return RelayMain.run(config.file);
    }
}
