package dev.oauthsmtprelay.app.karaf;

import java.util.Collections;
import java.util.Dictionary;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.app.RelayCamelConfiguration;
import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.credentials.InvalidCredentialsException;

/**
 * One relay (its own Camel context) per configuration: started when the configuration arrives, stopped and started
 * again when it changes, stopped when it is deleted or the bundle stops. Starting and stopping happen on one thread
 * of their own, in order, so Configuration Admin's thread never waits for the broker or the hub.
 */
final class RelayLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(RelayLifecycle.class);
    /** Keys Configuration Admin and Karaf add to every configuration; not relay settings. */
    private static final Set<String> FRAMEWORK_KEYS = Set.of("service.pid", "service.factoryPid",
            "felix.fileinstall.filename", "service.bundleLocation");
    private static final long STOP_TIMEOUT_SECONDS = 60;

    private final ClassLoader bundleClassLoader;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            runnable -> new Thread(runnable, "oauth-smtp-relay-lifecycle"));
    private DefaultCamelContext running;

    RelayLifecycle(ClassLoader bundleClassLoader) {
        this.bundleClassLoader = bundleClassLoader;
    }

    /** Configuration Admin's callback: the new configuration, or null while there is none. */
    void configurationChanged(Dictionary<String, ?> configuration) {
        Properties relayProperties = configuration == null ? null : relayProperties(configuration);
        thread.execute(() -> restart(relayProperties));
    }

    void close() {
        thread.execute(this::stopRunning);
        thread.shutdown();
        try {
            if (!thread.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("The relay did not stop within {} s; stopping the bundle anyway", STOP_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void restart(Properties relayProperties) {
        stopRunning();
        if (relayProperties == null) {
            LOG.info("oauth-smtp-relay waits for its configuration: create etc/{}.cfg with the relay.* keys "
                    + "(relay.credentials, relay.alias-domain, relay.data.dir, ...)", RelayBundleActivator.PID);
            return;
        }
        // Camel, Artemis, Angus Mail and Jackson look their parts up through the thread's context class loader;
        // the threads they start inherit it.
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(bundleClassLoader);
        DefaultCamelContext context = new DefaultCamelContext();
        try {
            context.getCamelContextExtension().setName("oauth-smtp-relay");
            context.setApplicationContextClassLoader(bundleClassLoader);
            context.getPropertiesComponent().setInitialProperties(relayProperties);
            new RelayCamelConfiguration().configure(context);
            context.start();
            running = context;
        } catch (ConfigurationException | InvalidCredentialsException e) {
            // the message names the key or file and the fix; a stack trace would only bury it
            LOG.error("oauth-smtp-relay did not start: {} Fix etc/{}.cfg; the relay starts again when the file is "
                    + "saved.", e.getMessage(), RelayBundleActivator.PID);
            stopQuietly(context);
        } catch (Exception | LinkageError e) {
            LOG.error("oauth-smtp-relay did not start: {} Fix etc/{}.cfg; the relay starts again when the file is "
                    + "saved.", e.getMessage(), RelayBundleActivator.PID, e);
            stopQuietly(context);
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private void stopRunning() {
        if (running != null) {
            stopQuietly(running);
            running = null;
        }
    }

    private static void stopQuietly(DefaultCamelContext context) {
        try {
            context.stop();
        } catch (RuntimeException e) {
            LOG.warn("Stopping oauth-smtp-relay failed: {}", e.getMessage(), e);
        }
    }

    private static Properties relayProperties(Dictionary<String, ?> configuration) {
        Properties properties = new Properties();
        for (String key : Collections.list(configuration.keys())) {
            if (!FRAMEWORK_KEYS.contains(key)) {
                properties.setProperty(key, String.valueOf(configuration.get(key)));
            }
        }
        return properties;
    }
}
