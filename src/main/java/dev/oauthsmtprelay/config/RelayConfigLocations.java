package dev.oauthsmtprelay.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.CamelContext;

/**
 * Where the properties come from. The built-in defaults, those of {@link RelayKeys}, are Camel "initial
 * properties", which every location, {@code -D} system property and environment variable overrides; the
 * administrator's file is the location.
 */
public final class RelayConfigLocations {

    private RelayConfigLocations() {
    }

    /** The file given with {@code --config} as a Camel properties location, or null without one. */
    public static String of(Path configFile) {
        if (configFile == null) {
            return null;
        }
        if (!Files.isReadable(configFile)) {
            throw new ConfigurationException("Configuration file " + configFile.toAbsolutePath()
                    + " does not exist or cannot be read. Check the path given with --config.");
        }
        return "file:" + configFile.toAbsolutePath();
    }

    /**
     * Every key of {@link RelayKeys} that has a default, with it. A default may refer to another key
     * ({@code relay.spool.dir={{relay.data.dir}}/spool}); Camel resolves it when the key is read.
     */
    public static Properties defaults() {
        Properties defaults = new Properties();
        for (Key<?> key : RelayKeys.all()) {
            key.defaultText().ifPresent(text -> defaults.setProperty(key.name(), text));
        }
        return defaults;
    }

    /**
     * Adds the built-in defaults under whatever the context already has: they are initial
     * properties, which locations, system properties and environment variables override.
     */
    public static void ensureDefaults(CamelContext context) {
        Properties merged = defaults();
        if (context.getPropertiesComponent() instanceof org.apache.camel.component.properties.PropertiesComponent pc
                && pc.getInitialProperties() != null) {
            merged.putAll(pc.getInitialProperties());
        }
        context.getPropertiesComponent().setInitialProperties(merged);
    }

    /** Sets the defaults and the configuration file on a context that runs the relay. */
    public static void apply(CamelContext context, Path configFile) {
        ensureDefaults(context);
        String location = of(configFile);
        if (location != null) {
            context.getPropertiesComponent().setLocation(location);
        }
    }
}
