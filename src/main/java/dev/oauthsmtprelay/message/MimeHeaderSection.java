package dev.oauthsmtprelay.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The header section of a stored message, read leniently from the raw bytes (a dead letter may be
 * a message the hub refused). Rewriting changes only header fields and copies the blank line and
 * body byte for byte.
 */
public final class MimeHeaderSection {

    private final byte[] message;
    private final List<Field> fields;
    private final int end;
    private final String lineEnding;

    private MimeHeaderSection(byte[] message, List<Field> fields, int end, String lineEnding) {
        this.message = message;
        this.fields = List.copyOf(fields);
        this.end = end;
        this.lineEnding = lineEnding;
    }

    public static MimeHeaderSection read(byte[] message) {
        List<Field> fields = new ArrayList<>();
        String lineEnding = null;
        int position = 0;
        String name = null;
        int fieldStart = -1;
        while (position < message.length) {
            int newline = indexOf(message, (byte) '\n', position);
            int next = newline < 0 ? message.length : newline + 1;
            int contentEnd = newline < 0 ? message.length
                    : newline > position && message[newline - 1] == '\r' ? newline - 1 : newline;
            if (lineEnding == null && newline >= 0) {
                lineEnding = contentEnd < newline ? "\r\n" : "\n";
            }
            if (contentEnd == position) {
                break;
            }
            boolean continuation = (message[position] == ' ' || message[position] == '\t') && fieldStart >= 0;
            if (!continuation) {
                if (fieldStart >= 0) {
                    fields.add(new Field(name, fieldStart, position));
                }
                fieldStart = position;
                name = fieldName(message, position, contentEnd);
            }
            position = next;
        }
        if (fieldStart >= 0) {
            fields.add(new Field(name, fieldStart, position));
        }
        return new MimeHeaderSection(message, fields, position, lineEnding == null ? "\r\n" : lineEnding);
    }

    /** Values of every field with this name (ignoring case), unfolded and trimmed, read as UTF-8. */
    public List<String> values(String name) {
        List<String> values = new ArrayList<>();
        for (Field field : fields) {
            if (field.isNamed(name)) {
                int colon = indexOf(message, (byte) ':', field.start());
                values.add(new String(message, colon + 1, field.end() - colon - 1, StandardCharsets.UTF_8)
                        .replace("\r", "").replace("\n", "").trim());
            }
        }
        return values;
    }

    /** The header section as text with LF line endings and no trailing line break, for display. */
    public String text() {
        String text = new String(message, 0, end, StandardCharsets.UTF_8).replace("\r\n", "\n");
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    /** The line ending the message uses (CRLF when it has none). */
    public String lineEnding() {
        return lineEnding;
    }

    /**
     * The message with the fields whose name {@code keep} rejects removed and {@code added} fields
     * ("Name: value", folded with {@link #lineEnding()}) appended to the header section.
     */
    public byte[] rewrite(Predicate<String> keep, List<String> added) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 256);
        boolean endsWithLineBreak = true;
        for (Field field : fields) {
            if (field.name() == null || keep.test(field.name())) {
                out.write(message, field.start(), field.end() - field.start());
                endsWithLineBreak = message[field.end() - 1] == '\n';
            }
        }
        byte[] lineBreak = lineEnding.getBytes(StandardCharsets.US_ASCII);
        for (String line : added) {
            if (!endsWithLineBreak) {
                out.writeBytes(lineBreak);
            }
            out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(lineBreak);
            endsWithLineBreak = true;
        }
        out.write(message, end, message.length - end);
        return out.toByteArray();
    }

    private static String fieldName(byte[] message, int start, int contentEnd) {
        int colon = indexOf(message, (byte) ':', start);
        if (colon < 0 || colon >= contentEnd) {
            return null;
        }
        String name = new String(message, start, colon - start, StandardCharsets.US_ASCII).trim();
        return name.isEmpty() ? null : name;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** A header field's name (null for a line that is not "Name: value") and its bytes [start, end). */
    private record Field(String name, int start, int end) {

        boolean isNamed(String other) {
            return name != null && name.equalsIgnoreCase(other);
        }
    }
}
