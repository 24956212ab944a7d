package dev.oauthsmtprelay.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code relay.*} key of {@link RelayKeys}: its name, the form of its value, its default and one line of
 * documentation. {@link #toString()} is the name, so messages can say {@code "set " + RelayKeys.SMTP_HOST}.
 *
 * @param <T> what {@link RelaySettings#get(Key)} returns for it
 */
public final class Key<T> {

    public enum Flag {
        /** The value is a secret: never shown, in a message or a summary. */
        SECRET,
        /** Set to an empty value, the key turns its feature off instead of taking its default. */
        OFF_WHEN_EMPTY
    }

    private final String name;
    private final Stage stage;
    private final ValueType<T> type;
    private final String defaultText;
    private final String doc;
    private final Set<Flag> flags;

    Key(String name, Stage stage, ValueType<T> type, String defaultText, String doc, Flag... flags) {
        if (!name.matches("relay\\.[a-z0-9]+([.-][a-z0-9]+)*")) {
            throw new IllegalArgumentException("not a relay key name: " + name);
        }
        this.name = name;
        this.stage = stage;
        this.type = type;
        this.defaultText = defaultText;
        this.doc = doc;
        this.flags = flags.length == 0 ? EnumSet.noneOf(Flag.class) : EnumSet.of(flags[0], flags);
    }

    public String name() {
        return name;
    }

    public Stage stage() {
        return stage;
    }

    public ValueType<T> type() {
        return type;
    }

    /** The default as written in the table; it may hold {@code {{relay...}}} placeholders. */
    public Optional<String> defaultText() {
        return Optional.ofNullable(defaultText);
    }

    /**
     * The default read as a value, for code that builds a stage's settings without a Camel context (tests, the
     * {@code defaults()} of a settings record).
     *
     * @throws IllegalStateException when the key has no default or its default refers to another key
     */
    public T defaultValue() {
        if (defaultText == null || defaultText.contains("{{")) {
            throw new IllegalStateException(name + " has no default of its own");
        }
        return type.read(defaultText);
    }

    /** One line for the sample configuration and a start-up summary. */
    public String doc() {
        return doc;
    }

    public boolean isSecret() {
        return flags.contains(Flag.SECRET);
    }

    public boolean isOffWhenEmpty() {
        return flags.contains(Flag.OFF_WHEN_EMPTY);
    }

    /** {@code relay.smtp.port} is also read from {@code RELAY_SMTP_PORT}. */
    public String environmentVariable() {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    ConfigurationException notSet() {
        return new ConfigurationException("Configuration key '" + name + "' is not set. Add it to the file given with "
                + "--config, or set -D" + name + "=... or the environment variable " + environmentVariable() + ".");
    }

    ConfigurationException invalid(String text) {
        String shown = isSecret() ? "" : ", but is '" + text + "'";
        String hint = type.hint().isEmpty() ? "" : " " + type.hint();
        return new ConfigurationException("Configuration key '" + name + "' must be " + type.form() + shown + "."
                + hint);
    }

    @Override
    public String toString() {
        return name;
    }
}
