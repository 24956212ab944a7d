package dev.oauthsmtprelay.intake.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;

import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * Refuses MIME structures nested deeper than any real mail client writes. The relay sends the bytes
 * as they are, but the provider, virus scanners and the recipient's client parse them recursively;
 * a message of a few kilobytes with thousands of nested multiparts is a known way to exhaust them.
 * The check is one pass over the lines with a stack of open boundaries, so it costs no more memory
 * than the nesting itself, whether the message is in memory or read from a file ({@link MimeLines}).
 */
final class MultipartNesting {

    /** Legitimate messages (forwarded mail inside signed mail inside a digest) stay well below 10 levels. */
    static final int MAX_DEPTH = 32;

    private MultipartNesting() {
    }

    static void requireWithinLimit(byte[] message, RawHeaderSection headers) throws InvalidMessageException {
        Scanner scanner = scannerFor(headers);
        if (scanner != null) {
            MimeLines.forEach(message, headers.end(), scanner);
        }
    }

    /** The same check over a stream that starts where the header section ends ({@link RawHeaderSection#end()}). */
    static void requireWithinLimit(InputStream afterHeaderSection, RawHeaderSection headers)
            throws IOException, InvalidMessageException {
        Scanner scanner = scannerFor(headers);
        if (scanner != null) {
            MimeLines.forEach(afterHeaderSection, scanner);
        }
    }

    /** Null when the message is not multipart, so there is nothing to scan. */
    private static Scanner scannerFor(RawHeaderSection headers) throws InvalidMessageException {
        List<String> open = new ArrayList<>();
        return enter(open, headers.value("Content-Type").orElse(null)) ? new Scanner(open) : null;
    }

    /** Pushes the boundary of a multipart type; false when the type opens nothing. */
    private static boolean enter(List<String> open, String contentType) throws InvalidMessageException {
        String boundary = boundaryOf(contentType);
        if (boundary == null) {
            return false;
        }
        open.add(boundary);
        if (open.size() > MAX_DEPTH) {
            throw new InvalidMessageException("multipart nesting too deep: the MIME structure is nested more than "
                    + MAX_DEPTH + " levels; mail clients never write this, so the message is refused to protect the "
                    + "mail provider and the recipients; flatten the attachments into one multipart/mixed");
        }
        return true;
    }

    private static String boundaryOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        try {
            ContentType type = new ContentType(contentType);
            if (!type.getPrimaryType().toLowerCase(Locale.ROOT).equals("multipart")) {
                return null;
            }
            String boundary = type.getParameter("boundary");
            return boundary == null || boundary.isEmpty() ? null : boundary;
        } catch (ParseException e) {
            return null; // an unparsable type is sent as an opaque body; the provider judges it
        }
    }

    private static boolean isMessageType(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("message/rfc822");
    }

    private static final class Scanner implements MimeLines.LineCheck {

        private final List<String> open;
        private boolean inPartHeaders;
        private StringBuilder contentType;
        private boolean inContentType;

        Scanner(List<String> open) {
            this.open = open;
        }

        @Override
        public boolean line(byte[] message, int start, int end) throws InvalidMessageException {
            if (inPartHeaders) {
                partHeaderLine(message, start, end);
            } else if (end - start >= 2 && message[start] == '-' && message[start + 1] == '-') {
                delimiterLine(new String(message, start, end - start, StandardCharsets.ISO_8859_1).stripTrailing());
            }
            return !open.isEmpty();
        }

        private void partHeaderLine(byte[] message, int start, int end) throws InvalidMessageException {
            if (start == end) {
                inPartHeaders = false;
                String type = contentType == null ? null : contentType.toString();
                if (isMessageType(type)) {
                    inPartHeaders = true; // the attached message's own header section follows
                    contentType = null;
                    return;
                }
                enter(open, type);
                return;
            }
            String line = new String(message, start, end - start, StandardCharsets.ISO_8859_1);
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation) {
                // bounded: thousands of continuation lines must not make a file read as a stream fill the heap
                if (inContentType && contentType.length() < MimeLines.MAX_LINE_BYTES) {
                    contentType.append(' ').append(line.trim());
                }
                return;
            }
            inContentType = line.regionMatches(true, 0, "Content-Type:", 0, 13);
            if (inContentType) {
                contentType = new StringBuilder(line.substring(13).trim());
            }
        }

        private void delimiterLine(String line) {
            for (int level = open.size() - 1; level >= 0; level--) {
                String boundary = open.get(level);
                if (line.equals("--" + boundary)) {
                    open.subList(level + 1, open.size()).clear();
                    inPartHeaders = true;
                    contentType = null;
                    inContentType = false;
                    return;
                }
                if (line.equals("--" + boundary + "--")) {
                    open.subList(level, open.size()).clear();
                    return;
                }
            }
        }
    }
}
