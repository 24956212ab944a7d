package dev.oauthsmtprelay.intake.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/**
 * The listener's users ({@code relay.listener.users}): one {@code name:pbkdf2-sha256:<iterations>:<salt>:<hash>}
 * line per user, salt and hash base64, hashed with the JDK's PBKDF2WithHmacSHA256. Managed with
 * {@code oauth-smtp-relay listener-user add|remove}. Passwords are taken only under TLS ({@link ListenerLogins}); failed logins on one
 * connection wait longer each time and close the connection after {@code relay.listener.auth.max-failures}.
 */
public final class ListenerUsers {

    private static final String SCHEME = "pbkdf2-sha256";
    private static final int ITERATIONS = 210_000; // OWASP's 2023 figure for PBKDF2-HMAC-SHA256
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;

    private final Map<String, String> lines;

    private ListenerUsers(Map<String, String> lines) {
        this.lines = lines;
    }

    /** @throws ConfigurationException when the file is missing or has a malformed line */
    public static ListenerUsers load(Path file) {
        try {
            return read(Files.readAllLines(file, StandardCharsets.UTF_8), file);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(RelayKeys.LISTENER_USERS + " " + file.toAbsolutePath() + " does not exist; "
                    + "add a user with: oauth-smtp-relay listener-user add --users " + file + " <name>");
        } catch (IOException e) {
            throw new ConfigurationException(RelayKeys.LISTENER_USERS + " " + file.toAbsolutePath() + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** The users of a file, or none when it does not exist yet (for the CLI). */
    public static ListenerUsers loadOrEmpty(Path file) {
        return Files.exists(file) ? load(file) : new ListenerUsers(new LinkedHashMap<>());
    }

    private static ListenerUsers read(List<String> raw, Path file) {
        Map<String, String> users = new LinkedHashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String line = raw.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(":");
            if (parts.length != 5 || !parts[1].equals(SCHEME)) {
                throw new ConfigurationException(RelayKeys.LISTENER_USERS + " " + file + " line " + (i + 1) + " is not "
                        + "name:" + SCHEME + ":iterations:salt:hash; write users with oauth-smtp-relay listener-user add");
            }
            users.put(parts[0], line);
        }
        return new ListenerUsers(users);
    }

    public ListenerUsers with(String user, char[] password) {
        if (user.isBlank() || user.contains(":") || user.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a user name may not be empty or contain ':' or white space");
        }
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        Map<String, String> copy = new LinkedHashMap<>(lines);
        copy.put(user, user + ":" + SCHEME + ":" + ITERATIONS + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(hash(password, salt, ITERATIONS)));
        return new ListenerUsers(copy);
    }

    public ListenerUsers without(String user) {
        Map<String, String> copy = new LinkedHashMap<>(lines);
        copy.remove(user);
        return new ListenerUsers(copy);
    }

    public boolean contains(String user) {
        return lines.containsKey(user);
    }

    public List<String> names() {
        return new ArrayList<>(lines.keySet());
    }

    /** Writes the file with a temporary name, then renames it: a reader never sees half of it. */
    public void save(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        Files.write(temp, (String.join("\n", lines.values()) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.move(temp, absolute, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public boolean verify(String user, String password) {
        String line = lines.get(user);
        if (line == null || password == null) {
            return false;
        }
        String[] parts = line.split(":");
        byte[] expected = Base64.getDecoder().decode(parts[4]);
        byte[] actual = hash(password.toCharArray(), Base64.getDecoder().decode(parts[3]), Integer.parseInt(parts[2]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] hash(char[] password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, iterations, HASH_BITS)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this Java", e);
        }
    }
}
