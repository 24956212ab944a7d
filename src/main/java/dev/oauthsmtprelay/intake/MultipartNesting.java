package dev.oauthsmtprelay.intake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;

/**
 * Refuses MIME structures nested deeper than any real mail client writes. The relay sends the bytes
 * as they are, but the provider, virus scanners and the recipient's client parse them recursively;
 * a message of a few kilobytes with thousands of nested multiparts is a known way to exhaust them.
 * The check is one pass over the lines with a stack of open boundaries, so it costs no more memory
 * than the nesting itself.
 */
final class MultipartNesting {

    /** Legitimate messages (forwarded mail inside signed mail inside a digest) stay well below 10 levels. */
    static final int MAX_DEPTH = 32;

    private MultipartNesting() {
    }

    static void requireWithinLimit(byte[] message, RawHeaderSection headers) throws InvalidMessageException {
        List<String> open = new ArrayList<>();
        String topLevel = headers.value("Content-Type").orElse(null);
        if (!enter(open, topLevel)) {
            return;
        }
        new Scanner(message, open).scan(headers.end());
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

    private static final class Scanner {

        private final byte[] message;
        private final List<String> open;
        private boolean inPartHeaders;
        private StringBuilder contentType;
        private boolean inContentType;

        Scanner(byte[] message, List<String> open) {
            this.message = message;
            this.open = open;
        }

        void scan(int from) throws InvalidMessageException {
            int position = from;
            while (position < message.length && !open.isEmpty()) {
                int newline = position;
                while (newline < message.length && message[newline] != '\n') {
                    newline++;
                }
                int contentEnd = newline > position && message[newline - 1] == '\r' ? newline - 1 : newline;
                if (inPartHeaders) {
                    partHeaderLine(position, contentEnd);
                } else if (contentEnd - position >= 2 && message[position] == '-' && message[position + 1] == '-') {
                    delimiterLine(new String(message, position, contentEnd - position, StandardCharsets.ISO_8859_1)
                            .stripTrailing());
                }
                position = newline + 1;
            }
        }

        private void partHeaderLine(int start, int end) throws InvalidMessageException {
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
                if (inContentType) {
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
