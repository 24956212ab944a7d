package dev.oauthsmtprelay.intake.parse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * The header section of an RFC 5322 message, read from the raw bytes. Changing the message
 * (removing Bcc, adding Message-ID or Date) rewrites only this section and copies the body bytes
 * untouched: jakarta.mail's writeTo may re-encode a body, which would break signatures and
 * change what the producer wrote.
 */
final class RawHeaderSection {

    static final int MAX_LINE_BYTES = 998;
    static final int MAX_SECTION_BYTES = 256 * 1024;
    /**
     * Bytes {@link #readFrom(InputStream)} reads: a header section within the limit, its blank line, and enough of
     * a line crossing the limit to judge that line as {@link #read(byte[])} would (too long, NUL byte, not a field).
     */
    static final int MAX_READ_BYTES = MAX_SECTION_BYTES + MAX_LINE_BYTES + 2;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LF = {'\n'};

    private final byte[] message;
    private final List<HeaderField> fields;
    private final int end;
    private final byte[] lineEnding;

    private RawHeaderSection(byte[] message, List<HeaderField> fields, int end, byte[] lineEnding) {
        this.message = message;
        this.fields = List.copyOf(fields);
        this.end = end;
        this.lineEnding = lineEnding;
    }

    static RawHeaderSection read(byte[] message) throws InvalidMessageException {
        return new Reader(message, true).read();
    }

    /**
     * Reads only the header section from the start of a message, at most {@link #MAX_READ_BYTES}; the stream is
     * left after the bytes read. Accepts and refuses what {@link #read(byte[])} accepts and refuses for the whole
     * message, with the same reasons (a line longer than 998 bytes that crosses the end of what is read is said to be
     * "more than" the bytes seen).
     */
    static RawHeaderSection readFrom(InputStream message) throws IOException, InvalidMessageException {
        byte[] start = message.readNBytes(MAX_READ_BYTES);
        boolean complete = start.length < MAX_READ_BYTES || message.read() < 0;
        return new Reader(start, complete).read();
    }

    List<HeaderField> fields(String name) {
        return fields.stream().filter(field -> field.isNamed(name)).toList();
    }

    /** Offset of the first byte after the header section (the blank line, or the end of the message). */
    int end() {
        return end;
    }

    /** The first non-blank value of the named field. */
    Optional<String> value(String name) {
        return fields(name).stream().map(HeaderField::value).filter(value -> !value.isEmpty()).findFirst();
    }

    /**
     * The message with the fields {@code keep} rejects removed and {@code added} lines ("Name: value")
     * appended to the header section; everything after the header section is copied byte for byte.
     * Added lines use the line ending the message already uses.
     */
    byte[] rewrite(Predicate<HeaderField> keep, List<String> added) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 256);
        writeHeader(out, keep, added);
        out.write(message, end, message.length - end);
        return out.toByteArray();
    }

    /** The header section as {@link #rewrite} writes it, without what follows it (from {@link #end()} on). */
    byte[] rewriteHeader(Predicate<HeaderField> keep, List<String> added) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end + 256);
        writeHeader(out, keep, added);
        return out.toByteArray();
    }

    /** The header section as written, up to {@link #end()}. */
    byte[] header() {
        return Arrays.copyOf(message, end);
    }

    private void writeHeader(ByteArrayOutputStream out, Predicate<HeaderField> keep, List<String> added) {
        for (HeaderField field : fields) {
            if (keep.test(field)) {
                out.writeBytes(field.raw());
                if (!field.endsWithLineBreak()) {
                    out.writeBytes(lineEnding);
                }
            }
        }
        for (String line : added) {
            out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(lineEnding);
        }
    }

    /** Splits the header section into fields and enforces the RFC 5322 limits on the way. */
    private static final class Reader {

        private final byte[] message;
        /** false: {@code message} is only the start of a longer message. */
        private final boolean complete;
        private final List<HeaderField> fields = new ArrayList<>();
        private int fieldStart = -1;
        private String fieldName;
        private int fieldLine;
        private byte[] lineEnding;

        Reader(byte[] message, boolean complete) {
            this.message = message;
            this.complete = complete;
        }

        RawHeaderSection read() throws InvalidMessageException {
            int position = 0;
            int lineNumber = 0;
            while (position < message.length) {
                lineNumber++;
                int newline = indexOf('\n', position);
                if (newline < 0 && !complete) {
                    throw sectionGoesOnPastTheBytesRead(position, lineNumber);
                }
                int next = newline < 0 ? message.length : newline + 1;
                int contentEnd = newline < 0 ? message.length
                        : newline > position && message[newline - 1] == '\r' ? newline - 1 : newline;
                if (lineEnding == null) {
                    lineEnding = contentEnd < newline ? CRLF : LF;
                }
                if (contentEnd == position) {
                    if (lineNumber == 1) {
                        throw new InvalidMessageException("not a MIME message: it starts with a blank line, so it has "
                                + "no header section; the message must start with headers such as From:, To: and "
                                + "Subject:, then a blank line, then the body");
                    }
                    finishField(position);
                    return section(position);
                }
                readLine(position, contentEnd, lineNumber, false);
                if (next > MAX_SECTION_BYTES) {
                    throw sectionTooLarge();
                }
                position = next;
            }
            if (!complete) {
                throw sectionTooLarge(); // cannot happen: every line above ended within the limit, before the end
            }
            // A message may consist of headers only (RFC 5322 makes the body optional).
            finishField(message.length);
            return section(message.length);
        }

        /**
         * A line without its end in the bytes read starts within the limit (earlier lines end within it) and ends
         * past it: judged like any line as far as it was read, then refused as {@link #read(byte[])} refuses it.
         */
        private InvalidMessageException sectionGoesOnPastTheBytesRead(int position, int lineNumber)
                throws InvalidMessageException {
            int contentEnd = message[message.length - 1] == '\r' ? message.length - 1 : message.length;
            if (contentEnd > position) {
                readLine(position, contentEnd, lineNumber, true);
            }
            return sectionTooLarge();
        }

        private static InvalidMessageException sectionTooLarge() {
            return new InvalidMessageException("header section too large: the headers exceed "
                    + MAX_SECTION_BYTES / 1024 + " KB (limit " + MAX_SECTION_BYTES + " bytes); keep long "
                    + "content in the body and check that a blank line separates headers from body");
        }

        /** @param cut the line goes on past {@code contentEnd}, beyond the bytes read */
        private void readLine(int start, int contentEnd, int lineNumber, boolean cut) throws InvalidMessageException {
            checkBytes(start, contentEnd, lineNumber);
            boolean continuation = message[start] == ' ' || message[start] == '\t';
            if (continuation) {
                if (fieldStart < 0) {
                    throw notMime("line 1 starts with white space");
                }
            } else {
                String name = fieldName(start, contentEnd);
                if (name == null) {
                    if (lineNumber == 1) {
                        throw notMime("line 1 is not a header field (\"Name: value\")");
                    }
                    throw new InvalidMessageException("invalid header: line " + lineNumber + " (" + preview(start, contentEnd)
                            + ") is not a \"Name: value\" header field; a blank line must separate the headers from "
                            + "the body, and continuation lines of a header must start with a space or tab");
                }
                finishField(start);
                fieldStart = start;
                fieldName = name;
                fieldLine = lineNumber;
            }
            int length = contentEnd - start;
            if (length > MAX_LINE_BYTES) {
                throw new InvalidMessageException("header line too long: line " + lineNumber + " (header \"" + fieldName
                        + "\") is " + (cut ? "more than " : "") + length + " bytes, the limit is " + MAX_LINE_BYTES
                        + " (RFC 5322); fold the header over several lines (continue with a space or tab) or shorten it");
            }
        }

        private void checkBytes(int start, int contentEnd, int lineNumber) throws InvalidMessageException {
            for (int i = start; i < contentEnd; i++) {
                if (message[i] == 0) {
                    throw notMime("the header section contains a NUL byte (line " + lineNumber
                            + "), which means binary data");
                }
                if (message[i] == '\r') {
                    throw new InvalidMessageException("invalid header: line " + lineNumber + " contains a carriage "
                            + "return that is not followed by a line feed; end header lines with CRLF or LF only");
                }
            }
        }

        /** The field name if the line is "name: value" (obsolete "name : value" tolerated), else null. */
        private String fieldName(int start, int contentEnd) {
            int colon = indexOf(':', start);
            if (colon < 0 || colon >= contentEnd) {
                return null;
            }
            int nameEnd = colon;
            while (nameEnd > start && (message[nameEnd - 1] == ' ' || message[nameEnd - 1] == '\t')) {
                nameEnd--;
            }
            if (nameEnd == start) {
                return null;
            }
            for (int i = start; i < nameEnd; i++) {
                if (message[i] < 33 || message[i] > 126) {
                    return null;
                }
            }
            return new String(message, start, nameEnd - start, StandardCharsets.US_ASCII);
        }

        private void finishField(int fieldEnd) {
            if (fieldStart >= 0) {
                byte[] raw = new byte[fieldEnd - fieldStart];
                System.arraycopy(message, fieldStart, raw, 0, raw.length);
                fields.add(new HeaderField(fieldName, raw, fieldLine));
                fieldStart = -1;
            }
        }

        private RawHeaderSection section(int end) {
            return new RawHeaderSection(message, fields, end, lineEnding == null ? CRLF : lineEnding);
        }

        private int indexOf(int wanted, int from) {
            for (int i = from; i < message.length; i++) {
                if (message[i] == wanted) {
                    return i;
                }
            }
            return -1;
        }

        private String preview(int start, int contentEnd) {
            int length = Math.min(contentEnd - start, 40);
            String text = new String(message, start, length, StandardCharsets.UTF_8);
            return "\"" + text + (contentEnd - start > 40 ? "..." : "") + "\"";
        }

        private static InvalidMessageException notMime(String detail) {
            return new InvalidMessageException("not a MIME message: " + detail + "; the message must start with "
                    + "headers such as From:, To: and Subject:, then a blank line, then the body (RFC 5322 text, "
                    + "as an .eml file holds it)");
        }
    }
}
