package dev.oauthsmtprelay.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedCamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The relay's configuration, read key by key through {@link RelayKeys}. Values come from Camel's properties
 * component, so the configuration file, {@code -D} system properties and environment variables
 * ({@code RELAY_SMTP_PORT}) resolve exactly as they do for the routes' placeholders. A key that is not set, or set
 * to an empty value, has its default (an empty {@link Key.Flag#OFF_WHEN_EMPTY} key has none); a value not of the
 * key's form is a {@link ConfigurationException} that names the key, the form and what to write.
 */
public final class RelaySettings {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(relay\\.[a-z0-9.-]+)}}");

    private final PropertiesComponent properties;

    private RelaySettings(PropertiesComponent properties) {
        this.properties = properties;
    }

    /**
     * The settings of a context, made once: the first call also adds the table's defaults to the context's
     * properties ({@link RelayConfigLocations#ensureDefaults(CamelContext)}).
     */
    public static RelaySettings of(CamelContext context) {
        ExtendedCamelContext extension = context.getCamelContextExtension();
        synchronized (extension) {
            RelaySettings settings = extension.getContextPlugin(RelaySettings.class);
            if (settings == null) {
                RelayConfigLocations.ensureDefaults(context);
                settings = new RelaySettings(context.getPropertiesComponent());
                extension.addContextPlugin(RelaySettings.class, settings);
            }
            return settings;
        }
    }

    /**
     * @throws ConfigurationException when the key is not set and has no default, or its value is not of its form
     */
    public <T> T get(Key<T> key) {
        return optional(key).orElseThrow(key::notSet);
    }

    /**
     * @return empty when the key is not set and has no default
     * @throws ConfigurationException when the value is not of the key's form
     */
    public <T> Optional<T> optional(Key<T> key) {
        return text(key).map(text -> read(key, text));
    }

    /** The value as text, placeholders resolved and trimmed; the default when not set. */
    public Optional<String> text(Key<?> key) {
        Optional<String> set = properties.resolveProperty(key.name()).map(String::trim);
        if (set.isPresent() && !set.get().isEmpty()) {
            return set;
        }
        if (set.isPresent() && key.isOffWhenEmpty()) {
            return Optional.empty();
        }
        return key.defaultText().map(this::withKeysResolved);
    }

    /** A default's {@code {{relay...}}} placeholders replaced by those keys' values, or their defaults. */
    String withKeysResolved(String defaultText) {
        Matcher placeholder = PLACEHOLDER.matcher(defaultText);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            Key<?> key = RelayKeys.named(placeholder.group(1)).orElseThrow(() -> new IllegalStateException(
                    "a default refers to " + placeholder.group(1) + ", which RelayKeys does not declare"));
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(text(key).orElse("")));
        }
        placeholder.appendTail(resolved);
        return resolved.toString();
    }

    public boolean credentialsEnabled() {
        return get(RelayKeys.CREDENTIALS_ENABLED);
    }

    /**
     * {@code relay.credentials}: its files in the order given; a directory stands for its {@code *.json} files,
     * sorted by name.
     *
     * @throws ConfigurationException when the key is not set, or names an empty directory
     */
    public List<Path> credentialsFiles() {
        List<Path> files = new ArrayList<>();
        for (String part : get(RelayKeys.CREDENTIALS).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            Path path = Path.of(part.trim());
            if (Files.isDirectory(path)) {
                List<Path> inDirectory = jsonFilesIn(path);
                if (inDirectory.isEmpty()) {
                    throw new ConfigurationException(RelayKeys.CREDENTIALS + " names the directory " + path
                            + ", which holds no *.json file. Put the credentials files there, or name the file.");
                }
                files.addAll(inDirectory);
            } else {
                files.add(path);
            }
        }
        if (files.isEmpty()) {
            throw RelayKeys.CREDENTIALS.notSet();
        }
        return List.copyOf(files);
    }

    private static List<Path> jsonFilesIn(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".json") && !Files.isDirectory(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new ConfigurationException(RelayKeys.CREDENTIALS + " names the directory " + directory
                    + ", which cannot be read (" + e.getClass().getSimpleName() + "). Let the relay's user read it.");
        }
    }

    /** {@code relay.alias-domain} in lower case. */
    public String aliasDomain() {
        return get(RelayKeys.ALIAS_DOMAIN).toLowerCase(Locale.ROOT);
    }

    public Path dataDir() {
        return get(RelayKeys.DATA_DIR);
    }

    public Path spoolDir() {
        return get(RelayKeys.SPOOL_DIR);
    }

    public Optional<String> defaultSender() {
        return optional(RelayKeys.DEFAULT_SENDER);
    }

    private static <T> T read(Key<T> key, String text) {
        return read(key, key.type(), text);
    }

    private static <T> T read(Key<?> key, ValueType<T> type, String text) {
        try {
            return type.read(text);
        } catch (IllegalArgumentException e) {
            throw key.invalid(text);
        }
    }
}
