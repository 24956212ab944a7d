package dev.oauthsmtprelay.intake.smtp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Server sockets whose connections must complete each line within the command timeout. The socket's own read
 * timeout only notices a silent client; a slowloris client that sends one byte every few seconds would hold a
 * connection (and a thread) for ever. Counting from the first byte of a line, the input fails with a
 * {@link SocketTimeoutException}, which SubEthaSMTP answers with 421 and a closed connection.
 */
final class LineDeadlineSockets {

    private LineDeadlineSockets() {
    }

    static ServerSocket serverSocket(Duration lineTimeout) throws IOException {
        long limit = lineTimeout.toNanos();
        return new ServerSocket() {
            @Override
            public Socket accept() throws IOException {
                Socket socket = new DeadlineSocket(limit);
                implAccept(socket);
                return socket;
            }
        };
    }

    private static final class DeadlineSocket extends Socket {
        private final long limit;
        private InputStream input;

        DeadlineSocket(long limit) {
            this.limit = limit;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new LineDeadlineStream(super.getInputStream(), limit);
            }
            return input;
        }
    }

    /**
     * Counts the time spent waiting for the rest of a line that has begun: time the server spends on buffered lines
     * (10,000 pipelined commands) does not count, a client trickling a line byte by byte does.
     */
    private static final class LineDeadlineStream extends FilterInputStream {
        private final long limit;
        private boolean inLine;
        private long waited;

        LineDeadlineStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            long started = System.nanoTime();
            int b = super.read();
            waitedFor(started);
            if (b >= 0) {
                seen(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long started = System.nanoTime();
            int n = super.read(buffer, offset, length);
            waitedFor(started);
            for (int i = 0; i < n; i++) {
                seen(buffer[offset + i]);
            }
            return n;
        }

        private void waitedFor(long started) throws SocketTimeoutException {
            if (inLine) {
                waited += System.nanoTime() - started;
                if (waited > limit) {
                    throw new SocketTimeoutException("a line took longer than " + RelayKeys.LISTENER_COMMAND_TIMEOUT);
                }
            }
        }

        private void seen(int b) {
            if (b == '\n') {
                inLine = false;
                waited = 0;
            } else {
                inLine = true;
            }
        }
    }
}
