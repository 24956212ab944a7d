package dev.oauthsmtprelay.intake.parse;

import java.nio.charset.StandardCharsets;

/**
 * One header field exactly as written: its name and its raw bytes, continuation lines and line
 * endings included, so it can be copied to the output unchanged.
 */
record HeaderField(String name, byte[] raw, int lineNumber) {

    boolean isNamed(String other) {
        return name.equalsIgnoreCase(other);
    }

    /** The value after the colon, unfolded and trimmed, read as UTF-8 (raw 8-bit headers occur). */
    String value() {
        int colon = indexOfColon();
        String text = new String(raw, colon + 1, raw.length - colon - 1, StandardCharsets.UTF_8);
        return text.replace("\r", "").replace("\n", "").trim();
    }

    boolean endsWithLineBreak() {
        return raw.length > 0 && raw[raw.length - 1] == '\n';
    }

    private int indexOfColon() {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == ':') {
                return i;
            }
        }
        throw new IllegalStateException("header field without colon");
    }
}
