package dev.oauthsmtprelay.cli;

import java.time.Clock;
import java.util.concurrent.Callable;

import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import dev.oauthsmtprelay.runtime.RelayCamelConfiguration;
import dev.oauthsmtprelay.runtime.RelayEnvironment;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the relay: validate configuration and credentials, then start the Camel routes "
                + "until stopped (Ctrl+C or SIGTERM).")
class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
        try (var context = config.propertiesContext()) {
            RelayEnvironment.from(context, Clock.systemUTC());
        } catch (RuntimeException e) {
            System.err.println("Cannot start: " + e.getMessage());
            return 1;
        }
        Main main = new Main();
        config.applyTo(main);
        main.configure().addConfiguration(new RelayCamelConfiguration());
        main.run();
        return main.getExitCode();
    }
}
