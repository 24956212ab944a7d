package dev.oauthsmtprelay.app.cli;

import java.nio.file.Path;
import java.time.Clock;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;

import dev.oauthsmtprelay.app.RelayCamelConfiguration;
import dev.oauthsmtprelay.app.RelayEnvironment;
import dev.oauthsmtprelay.config.RelayConfigLocations;

/** Runs the relay's routes under camel-main until the JVM is asked to stop. */
final class RelayMain {

    private RelayMain() {
    }

    /** @return the exit status: 1 when the configuration cannot start, camel-main's otherwise */
    static int run(Path configFile) throws Exception {
        try (CamelContext context = propertiesContext(configFile)) {
            RelayEnvironment.from(context, Clock.systemUTC());
        } catch (RuntimeException e) {
            System.err.println("Cannot start: " + e.getMessage());
            return 1;
        }
        Main main = new Main();
        main.setInitialProperties(RelayConfigLocations.defaults());
        String location = RelayConfigLocations.of(configFile);
        if (location != null) {
            main.setPropertyPlaceholderLocations(location);
        }
        main.configure().addConfiguration(new RelayCamelConfiguration());
        main.run();
        return main.getExitCode();
    }

    /** A Camel context that is not started, used only to resolve properties as the routes will. */
    static CamelContext propertiesContext(Path configFile) {
        DefaultCamelContext context = new DefaultCamelContext(false);
        context.setStartupSummaryLevel(org.apache.camel.StartupSummaryLevel.Off);
        RelayConfigLocations.apply(context, configFile);
        context.build();
        return context;
    }
}
