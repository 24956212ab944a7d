package dev.oauthsmtprelay.deadletter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Dead-letter ids name two files, {@code <id>.eml} and {@code <id>.json}, so they are restricted
 * to characters that are safe in file names everywhere: letters, digits, {@code . _ - @ +},
 * starting with a letter or digit, no {@code ..}, at most {@value #MAX_LENGTH} characters.
 */
public final class DeadLetterIds {

    public static final int MAX_LENGTH = 200;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]*");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._@+-]+");
    private static final int READABLE_LENGTH = 48;

    private DeadLetterIds() {
    }

    public static boolean isValid(String id) {
        return id != null && id.length() <= MAX_LENGTH && VALID.matcher(id).matches() && !id.contains("..");
    }

    /**
     * @return the id
     * @throws IllegalArgumentException naming the id and the rules
     */
    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("Invalid dead letter id \"" + shorten(id) + "\": an id consists of "
                    + "letters, digits, '.', '_', '-', '@' and '+', starts with a letter or digit, contains no '..' "
                    + "or path separator and has at most " + MAX_LENGTH + " characters. Use an id as "
                    + "'dead-letter list' shows it.");
        }
        return id;
    }

    /**
     * A stable id for a message key (Message-ID, JMS message id, spool file name): the same key
     * always gives the same id, so writing the dead letter again after a crash overwrites it
     * instead of duplicating it. A readable part of the key is kept, followed by a hash.
     */
    public static String derivedFrom(String key) {
        String readable = UNSAFE.matcher(key == null ? "" : key).replaceAll("-")
                .replaceAll("\\.{2,}", ".")
                .replaceAll("-{2,}", "-");
        if (readable.length() > READABLE_LENGTH) {
            readable = readable.substring(0, READABLE_LENGTH);
        }
        readable = readable.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        String hash = sha256Hex(key == null ? "" : key).substring(0, 12);
        return readable.isEmpty() ? "dl-" + hash : readable + "-" + hash;
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String shorten(String id) {
        if (id == null) {
            return "null";
        }
        return id.length() <= 80 ? id : id.substring(0, 80) + "...";
    }
}
