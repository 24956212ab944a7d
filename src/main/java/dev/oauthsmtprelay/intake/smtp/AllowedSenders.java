package dev.oauthsmtprelay.intake.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Which senders the listener relays for ({@code relay.listener.allowed-senders}), checked against MAIL FROM and
 * the From header. Patterns, compared ignoring case: {@code *@example.com} (a domain), {@code qsysopr@*} (a local
 * part in any domain), a full address, or {@code *} (any sender: only for networks that are trusted as a whole).
 *
 * <p>The default is the alias domain plus every local sender of {@code relay.users}. Those left sides are read
 * here with a few lines rather than through delivery's {@code UserMapping}: an intake may not import delivery, and
 * delivery validates the same file at start anyway, so a broken file stops the relay before the listener opens.
 */
public final class AllowedSenders {

    private static final Pattern COMMENT = Pattern.compile("\\s#.*$");

    private final List<Pattern> patterns;
    private final String text;

    private AllowedSenders(List<String> patterns) {
        this.patterns = patterns.stream().map(AllowedSenders::glob).toList();
        this.text = String.join(",", patterns);
    }

    public static AllowedSenders of(String list) {
        List<String> patterns = Arrays.stream(list.split(",")).map(String::trim).filter(p -> !p.isEmpty())
                .map(p -> p.toLowerCase(Locale.ROOT)).toList();
        for (String pattern : patterns) {
            if (!pattern.equals("*") && pattern.indexOf('@') <= 0 && !pattern.startsWith("*@")) {
                throw new ConfigurationException(RelayKeys.LISTENER_ALLOWED_SENDERS + " entry \"" + pattern + "\" is "
                        + "not a sender pattern; write *@example.com, qsysopr@*, a full address, or *");
            }
        }
        if (patterns.isEmpty()) {
            throw new ConfigurationException(RelayKeys.LISTENER_ALLOWED_SENDERS + " is empty: every sender would be "
                    + "refused. Leave it unset (the alias domain and relay.users) or list patterns such as *@example.com");
        }
        return new AllowedSenders(patterns);
    }

    /** The alias domain and the local senders of the {@code relay.users} file (when given). */
    public static AllowedSenders defaults(String aliasDomain, Path usersFile) {
        return defaults(List.of(aliasDomain), usersFile);
    }

    /** The served domains (the alias domain and every credentials file's) and the local senders of relay.users. */
    public static AllowedSenders defaults(List<String> servedDomains, Path usersFile) {
        List<String> patterns = new ArrayList<>();
        servedDomains.forEach(domain -> patterns.add("*@" + domain.toLowerCase(Locale.ROOT)));
        if (usersFile != null) {
            patterns.addAll(localSenders(usersFile));
        }
        return new AllowedSenders(patterns);
    }

    private static List<String> localSenders(Path usersFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(usersFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("relay.users file " + usersFile.toAbsolutePath() + " cannot be read ("
                    + e.getClass().getSimpleName() + "); the listener's default " + RelayKeys.LISTENER_ALLOWED_SENDERS
                    + " needs it. Fix relay.users or set " + RelayKeys.LISTENER_ALLOWED_SENDERS + ".");
        }
        List<String> senders = new ArrayList<>();
        for (String raw : lines) {
            String line = COMMENT.matcher(raw.replace("\uFEFF", "")).replaceFirst("").trim();
            int equals = line.indexOf('=');
            if (line.isEmpty() || line.startsWith("#") || equals <= 0) {
                continue;
            }
            String sender = line.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            // A user profile (no @) matches that local part in any domain, as at delivery.
            senders.add(sender.indexOf('@') >= 0 ? sender : sender + "@*");
        }
        return senders;
    }

    public boolean allows(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        String normalised = address.trim().toLowerCase(Locale.ROOT);
        return patterns.stream().anyMatch(p -> p.matcher(normalised).matches());
    }

    private static Pattern glob(String pattern) {
        List<String> parts = new ArrayList<>();
        for (String part : pattern.split("\\*", -1)) {
            parts.add(part.isEmpty() ? "" : Pattern.quote(part));
        }
        return Pattern.compile(String.join(".*", parts));
    }

    @Override
    public String toString() {
        return text;
    }
}
