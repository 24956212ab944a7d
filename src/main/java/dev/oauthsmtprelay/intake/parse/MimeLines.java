package dev.oauthsmtprelay.intake.parse;

import java.io.IOException;
import java.io.InputStream;

import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * Splits message text into lines, from a byte array or from a stream, so that a check over the lines is written once
 * for both. A line is passed on without its line ending (LF, or CRLF: a CR right before the LF or at the very end is
 * dropped). A line longer than {@link #MAX_LINE_BYTES} is passed on cut to its first {@link #MAX_LINE_BYTES} bytes,
 * from either source, so that a stream is read with a fixed buffer however long its lines are.
 */
final class MimeLines {

    /** Far above anything a line check looks for (MIME boundaries are at most 70 characters, RFC 2046). */
    static final int MAX_LINE_BYTES = 64 * 1024;

    /** Receives one line as {@code bytes[start, end)}; the bytes are valid only during the call. */
    @FunctionalInterface
    interface LineCheck {
        /** @return false to stop reading */
        boolean line(byte[] bytes, int start, int end) throws InvalidMessageException;
    }

    private MimeLines() {
    }

    static void forEach(byte[] message, int from, LineCheck check) throws InvalidMessageException {
        int position = from;
        while (position < message.length) {
            int newline = position;
            while (newline < message.length && message[newline] != '\n') {
                newline++;
            }
            if (!check.line(message, position, cut(position, contentEnd(message, position, newline)))) {
                return;
            }
            position = newline + 1;
        }
    }

    static void forEach(InputStream message, LineCheck check) throws IOException, InvalidMessageException {
        byte[] buffer = new byte[2 * MAX_LINE_BYTES];
        int start = 0; // the line being read starts here; buffer[start, end) is read but not passed on
        int end = 0;
        int searched = 0; // buffer[start, searched) holds no line feed
        boolean skippingRestOfLongLine = false;
        while (true) {
            int newline = indexOfNewline(buffer, searched, end);
            if (newline >= 0) {
                if (!skippingRestOfLongLine
                        && !check.line(buffer, start, cut(start, contentEnd(buffer, start, newline)))) {
                    return;
                }
                skippingRestOfLongLine = false;
                start = newline + 1;
                searched = start;
                continue;
            }
            searched = end;
            // At least MAX_LINE_BYTES + 2 bytes without a line feed: the line is longer than the cut even when its
            // last byte read is the CR of a CRLF.
            if (!skippingRestOfLongLine && end - start > MAX_LINE_BYTES + 1) {
                if (!check.line(buffer, start, start + MAX_LINE_BYTES)) {
                    return;
                }
                skippingRestOfLongLine = true;
            }
            if (skippingRestOfLongLine) {
                start = 0; // nothing of the line is kept
                end = 0;
                searched = 0;
            } else if (end == buffer.length) { // the line (at most MAX_LINE_BYTES + 1 bytes) to the front
                System.arraycopy(buffer, start, buffer, 0, end - start);
                end -= start;
                searched -= start;
                start = 0;
            }
            int read = message.read(buffer, end, buffer.length - end);
            if (read < 0) {
                if (end > start && !skippingRestOfLongLine) {
                    check.line(buffer, start, cut(start, contentEnd(buffer, start, end)));
                }
                return;
            }
            end += read;
        }
    }

    /** {@code lineEnd} is the LF or the end of the text; a CR before it is not part of the line. */
    private static int contentEnd(byte[] bytes, int start, int lineEnd) {
        return lineEnd > start && bytes[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
    }

    private static int cut(int start, int contentEnd) {
        return Math.min(contentEnd, start + MAX_LINE_BYTES);
    }

    private static int indexOfNewline(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
