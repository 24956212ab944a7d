package dev.oauthsmtprelay.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Byte-exact line reader for the SMTP server side of {@link XOAuth2SmtpHub}. Lines end at LF (the CR before
 * it, if any, is kept in the line), there is no length limit other than what the caller chooses to keep,
 * and nothing is decoded, so DATA bytes come through exactly as sent.
 */
final class HubLineReader {

    private final InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;

    HubLineReader(InputStream in) {
        this.in = in;
    }

    /** Bytes read from the socket but not consumed yet (e.g. pipelined after STARTTLS). */
    int buffered() {
        return limit - pos;
    }

    /**
     * Reads one line including its LF into {@code line} (which is cleared first). Keeps at most
     * {@code maxKeep} bytes but always consumes the whole line ({@link Line#total} counts all of it).
     *
     * @return false when the peer closed the connection before a complete line
     */
    boolean readLine(Line line, int maxKeep) throws IOException {
        line.clear();
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return false;
                }
                pos = 0;
                limit = n;
            }
            int i = pos;
            while (i < limit && buf[i] != '\n') {
                i++;
            }
            boolean found = i < limit;
            int end = found ? i + 1 : limit;
            line.append(buf, pos, end - pos, maxKeep);
            pos = end;
            if (found) {
                return true;
            }
        }
    }

    /** A reusable, growable line buffer. */
    static final class Line {
        byte[] bytes = new byte[1024];
        int length;
        long total;

        void clear() {
            length = 0;
            total = 0;
        }

        void append(byte[] src, int off, int len, int maxKeep) {
            total += len;
            int keep = Math.min(len, maxKeep - length);
            if (keep <= 0) {
                return;
            }
            if (length + keep > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + keep));
            }
            System.arraycopy(src, off, bytes, length, keep);
            length += keep;
        }

        boolean overflowed() {
            return total > length;
        }

        /** Length without the trailing CRLF / LF. */
        int contentLength() {
            int n = length;
            if (n > 0 && bytes[n - 1] == '\n') {
                n--;
            }
            if (n > 0 && bytes[n - 1] == '\r') {
                n--;
            }
            return n;
        }

        /** The end-of-data line: a single dot followed by CRLF (a bare LF is tolerated). */
        boolean isDataTerminator() {
            return total == length && contentLength() == 1 && bytes[0] == '.';
        }
    }
}
