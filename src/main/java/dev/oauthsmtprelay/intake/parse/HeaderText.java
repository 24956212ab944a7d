package dev.oauthsmtprelay.intake.parse;

import java.util.Locale;
import java.util.Set;

import dev.oauthsmtprelay.message.InvalidMessageException;

/** Rules for text that ends up in a header: one line only, and names that are legal and not structural. */
final class HeaderText {

    private static final Set<String> STRUCTURAL = Set.of("from", "to", "cc", "bcc", "subject", "reply-to", "mime-version");

    private HeaderText() {
    }

    /** Refuses line breaks (they would let a value start new headers: header injection) and other controls. */
    static String singleLine(String field, String value) throws InvalidMessageException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                throw new InvalidMessageException("line break in " + field + ": header values, addresses and file "
                        + "names must be a single line (CR and LF are refused to prevent header injection); remove "
                        + "the line break");
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new InvalidMessageException("control character U+" + String.format("%04X", (int) c) + " in "
                        + field + ": header values, addresses and file names must be printable text; remove it");
            }
        }
        return value;
    }

    /** Checks a header name given in the JSON "headers" object. */
    static void requireAllowedName(String name) throws InvalidMessageException {
        if (!isValidName(name)) {
            throw new InvalidMessageException("invalid header name \"" + printable(name) + "\" in \"headers\": a "
                    + "header name is printable ASCII without spaces or colons, such as X-Order-Id");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (STRUCTURAL.contains(lower)) {
            throw new InvalidMessageException("header \"" + name + "\" cannot be set in \"headers\": use the \""
                    + jsonFieldFor(lower) + "\" field instead");
        }
        if (lower.startsWith("content-")) {
            throw new InvalidMessageException("header \"" + name + "\" cannot be set in \"headers\": the relay "
                    + "builds the MIME structure (Content-* headers) from \"text\", \"html\" and \"attachments\"");
        }
    }

    private static boolean isValidName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                return false;
            }
        }
        return true;
    }

    private static String jsonFieldFor(String lowerName) {
        return switch (lowerName) {
            case "reply-to" -> "replyTo";
            case "mime-version" -> "text\", \"html\" or \"attachments";
            default -> lowerName;
        };
    }

    private static String printable(String name) {
        return name.replace("\r", "\\r").replace("\n", "\\n");
    }
}
