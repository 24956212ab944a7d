package dev.oauthsmtprelay.cli;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import picocli.CommandLine.Option;

import dev.oauthsmtprelay.config.RelayConfigLocations;

/** The {@code --config FILE} option every subcommand shares. */
public class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Relay properties file (relay.* keys; -Dkey=value and RELAY_* environment variables override it).")
    Path file;

    /** A Camel context that is not started, used only to resolve properties as the routes will. */
    CamelContext propertiesContext() {
        DefaultCamelContext context = new DefaultCamelContext(false);
        RelayConfigLocations.apply(context, file);
        context.build();
        return context;
    }

    /** Gives camel-main the same defaults and file. */
    void applyTo(Main main) {
        main.setInitialProperties(RelayConfigLocations.defaults());
        String location = RelayConfigLocations.of(file);
        if (location != null) {
            main.setPropertyPlaceholderLocations(location);
        }
    }
}
