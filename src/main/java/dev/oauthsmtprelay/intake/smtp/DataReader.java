package dev.oauthsmtprelay.intake.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Reads the DATA section (already dot-unstuffed) to its end, whatever it holds, so that the connection stays in
 * step, and keeps the bytes only while they are acceptable: within the size limit, lines of at most 998 characters
 * (RFC 5321 4.5.3.1.6), no NUL byte, and CR and LF only as CRLF pairs (a bare LF is how SMTP smuggling hides a
 * second message, RFC 5321 2.3.8).
 */
final class DataReader {

    static final int MAX_LINE = 998;

    private final int maxSize;
    private final Duration timeout;

    DataReader(int maxSize, Duration timeout) {
        this.maxSize = maxSize;
        this.timeout = timeout;
    }

    /** What DATA held: the bytes, or the first problem found. */
    record Result(byte[] content, Refusal problem, long size) {
    }

    /**
     * @throws SocketTimeoutException when the whole section took longer than the data timeout
     * @throws IOException            when the client went away before the final dot
     */
    Result read(InputStream in) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        Refusal problem = null;
        long size = 0;
        long line = 1;
        int lineLength = 0;
        int previous = -1;
        int n;
        while ((n = in.read(buffer)) != -1) {
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("DATA took longer than " + RelayKeys.LISTENER_DATA_TIMEOUT);
            }
            for (int i = 0; i < n && problem == null; i++) {
                int b = buffer[i] & 0xff;
                if (b == 0) {
                    problem = Refusal.content(Refusal.Reason.NUL, "a NUL byte on line " + line
                            + "; SMTP text may not contain NUL (RFC 5321 4.5.2): send binary content base64-encoded");
                } else if (b == '\n' && previous != '\r') {
                    problem = Refusal.content(Refusal.Reason.BARE_LF, "a bare LF (a line break without CR) on line "
                            + line + "; SMTP lines end with CRLF (RFC 5321 2.3.8): have the sending program convert "
                            + "line ends to CRLF");
                } else if (previous == '\r' && b != '\n') {
                    problem = Refusal.content(Refusal.Reason.BARE_LF, "a bare CR (a carriage return without LF) on "
                            + "line " + line + "; SMTP lines end with CRLF (RFC 5321 2.3.8)");
                } else if (b == '\n') {
                    line++;
                    lineLength = 0;
                } else if (b != '\r' && ++lineLength > MAX_LINE) {
                    problem = Refusal.content(Refusal.Reason.LINE_LENGTH, "line " + line + " is longer than "
                            + MAX_LINE + " characters (RFC 5321 4.5.3.1.6); encode long lines as quoted-printable or "
                            + "base64");
                }
                previous = b;
            }
            size += n;
            if (problem == null && size > maxSize) {
                problem = Refusal.tooLarge(maxSize);
            }
            if (problem == null) {
                out.write(buffer, 0, n);
            }
        }
        if (problem == null && previous != -1 && previous != '\n') {
            out.write('\r');
            out.write('\n');
        }
        return new Result(problem == null ? out.toByteArray() : null, problem, size);
    }
}
