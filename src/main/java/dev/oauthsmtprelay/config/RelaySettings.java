package dev.oauthsmtprelay.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;

/**
 * Typed view of the {@code relay.*} keys. Values come from Camel's properties component, so the
 * configuration file, {@code -D} system properties and environment variables
 * ({@code RELAY_SMTP_PORT}) resolve exactly as they do for routes.
 */
public final class RelaySettings {

    private final PropertiesComponent properties;

    public RelaySettings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public Optional<String> value(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String required(String key) {
        return value(key).orElseThrow(() -> new ConfigurationException(
                "Configuration key '" + key + "' is not set. Add it to the file given with --config, "
                        + "or set -D" + key + "=... or the environment variable " + environmentName(key) + "."));
    }

    public boolean credentialsEnabled() {
        return bool("relay.credentials.enabled", true);
    }

    public Path credentialsFile() {
        return Path.of(required("relay.credentials"));
    }

    public String aliasDomain() {
        return required("relay.alias-domain").toLowerCase(Locale.ROOT);
    }

    public Path dataDir() {
        return Path.of(value("relay.data.dir").orElse("data"));
    }

    public Path spoolDir() {
        return value("relay.spool.dir").map(Path::of).orElse(dataDir().resolve("spool"));
    }

    public Optional<String> defaultSender() {
        return value("relay.default-sender");
    }

    public Duration tokenRefreshAhead() {
        return duration("relay.token.refresh-ahead", Duration.ofMinutes(5));
    }

    public Duration tokenBackoffInitial() {
        return duration("relay.token.backoff.initial", Duration.ofSeconds(1));
    }

    public Duration tokenBackoffMax() {
        return duration("relay.token.backoff.max", Duration.ofMinutes(5));
    }

    public Duration tokenTimeout() {
        return duration("relay.token.timeout", Duration.ofSeconds(10));
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> raw = value(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        String v = raw.get().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes")) {
            return true;
        }
        if (v.equals("false") || v.equals("no")) {
            return false;
        }
        throw new ConfigurationException(
                "Configuration key '" + key + "' must be true or false, but is '" + raw.get() + "'.");
    }

    public Duration duration(String key, Duration defaultValue) {
        Optional<String> raw = value(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            String v = raw.get();
            return v.startsWith("P") || v.startsWith("p")
                    ? Duration.parse(v)
                    : Duration.ofMillis(TimeUtils.toMilliSeconds(v));
        } catch (RuntimeException e) {
            throw new ConfigurationException("Configuration key '" + key + "' is not a duration: '" + raw.get()
                    + "'. Use milliseconds (500) or a unit: 30s, 5m, 1h, 1h30m.");
        }
    }

    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
