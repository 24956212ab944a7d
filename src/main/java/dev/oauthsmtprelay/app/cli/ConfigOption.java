package dev.oauthsmtprelay.app.cli;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every subcommand shares. */
public class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Relay properties file (relay.* keys; -Dkey=value and RELAY_* environment variables override it).")
    Path file;

    /** A Camel context that is not started, used only to resolve properties as the routes will. */
    CamelContext propertiesContext() {
        return RelayMain.propertiesContext(file);
    }
}
