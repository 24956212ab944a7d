package dev.oauthsmtprelay.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The start-up summary: every key whose value is not its default, one per line, secrets redacted. The keys left
 * at their defaults are only counted; docs/configuration.md has them.
 */
public final class EffectiveConfiguration {

    static final String REDACTED = "********";

    private EffectiveConfiguration() {
    }

    public static String describe(RelaySettings settings) {
        List<String> lines = new ArrayList<>();
        int atDefault = 0;
        for (Key<?> key : RelayKeys.all()) {
            Optional<String> value = safely(settings, key);
            Optional<String> defaultValue = key.defaultText().map(d -> settings.withKeysResolved(d));
            if (value.equals(defaultValue)) {
                atDefault++;
            } else {
                lines.add("  " + key.name() + " = " + value.map(v -> redacted(key, v)).orElse("(unset)"));
            }
        }
        return "Configuration: " + lines.size() + " keys set, " + atDefault + " at their defaults (docs/configuration"
                + ".md); secrets shown as " + REDACTED + (lines.isEmpty() ? "" : "\n" + String.join("\n", lines));
    }

    private static Optional<String> safely(RelaySettings settings, Key<?> key) {
        try {
            return settings.text(key);
        } catch (RuntimeException unresolvable) {
            return Optional.of("(cannot be resolved: " + unresolvable.getMessage() + ")");
        }
    }

    /** Secret keys, and any key named like one, in case a new key forgets its flag. */
    static String redacted(Key<?> key, String value) {
        String name = key.name().toLowerCase(Locale.ROOT);
        boolean secret = key.isSecret() || name.contains("password") || name.contains("secret")
                || name.endsWith(".token");
        return secret ? REDACTED : value;
    }
}
