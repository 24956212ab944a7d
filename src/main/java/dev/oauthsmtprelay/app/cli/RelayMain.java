package dev.oauthsmtprelay.app.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.app.RelayCamelConfiguration;
import dev.oauthsmtprelay.app.RelayEnvironment;
import dev.oauthsmtprelay.config.RelayConfigLocations;

/** Runs the relay's routes under camel-main until the JVM is asked to stop. */
final class RelayMain {

    /** The exit status after a fatal error while running (1 is for a configuration that cannot start). */
    static final int FATAL_EXIT = 3;
    private static final Duration FATAL_STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(RelayMain.class);

    private RelayMain() {
    }

    /**
     * @return the exit status: 1 when the configuration cannot start, {@value #FATAL_EXIT} after a fatal error
     * (the embedded broker's journal failed and it could not be started again), camel-main's otherwise
     */
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
        AtomicReference<String> fatal = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        main.configure().addConfiguration(new RelayCamelConfiguration().onFatalError(reason -> {
            if (fatal.compareAndSet(null, reason)) {
                LOG.error("Stopping with exit code {}: {}", FATAL_EXIT, reason);
                main.completed(); // a clean stop of the routes; the service manager starts the relay again
                haltUnlessStoppedWithin(FATAL_STOP_TIMEOUT, stopped, reason);
            }
        }));
        main.run();
        stopped.countDown();
        if (fatal.get() != null) {
            System.err.println("Stopped: " + fatal.get());
            return FATAL_EXIT;
        }
        return main.getExitCode();
    }

    /**
     * A consumer stopping its session on the stopped broker waits for Artemis's call timeout (30 s): the clean stop
     * gets {@code timeout}, then the JVM ends anyway. Nothing is lost by that: the broker is already down, its journal
     * holds what it confirmed, and spool files not confirmed stay in the spool.
     */
    private static void haltUnlessStoppedWithin(Duration timeout, CountDownLatch stopped, String reason) {
        Thread watchdog = new Thread(() -> {
            try {
                if (!stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.error("The clean stop did not end within {} s; exiting with {} now", timeout.toSeconds(),
                            FATAL_EXIT);
                    System.err.println("Stopped: " + reason);
                    Runtime.getRuntime().halt(FATAL_EXIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "relay-fatal-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
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
