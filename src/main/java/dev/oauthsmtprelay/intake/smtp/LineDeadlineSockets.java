package dev.oauthsmtprelay.intake.smtp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import javax.net.ssl.SSLSocket;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Server sockets whose connections must complete each line within the command timeout. The socket's own read
 * timeout only notices a silent client; a slowloris client that sends one byte every few seconds would hold a
 * connection (and a thread) for ever. Counting from the first byte of a line, the input fails with a
 * {@link SocketTimeoutException}, which SubEthaSMTP answers with 421 and a closed connection.
 *
 * <p>After STARTTLS the connection carries TLS records, whose bytes say nothing about where a line ends, so the
 * deadline moves to the decrypted input ({@link #overTls}).
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

    /**
     * The TLS side of STARTTLS on {@code plain}, a connection of {@link #serverSocket}: its lines get the deadline,
     * and the encrypted bytes underneath pass through uncounted.
     */
    static SSLSocket overTls(Socket plain, SSLSocket tls) {
        if (!(plain instanceof DeadlineSocket deadline)) {
            return tls;
        }
        deadline.encrypted();
        return new DeadlineSslSocket(tls, deadline.limit);
    }

    private static final class DeadlineSocket extends Socket {
        private final long limit;
        private LineDeadlineStream input;
        private boolean encrypted;

        DeadlineSocket(long limit) {
            this.limit = limit;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new LineDeadlineStream(super.getInputStream(), limit);
                if (encrypted) {
                    input.passThrough();
                }
            }
            return input;
        }

        synchronized void encrypted() {
            encrypted = true;
            if (input != null) {
                input.passThrough();
            }
        }
    }

    /**
     * Counts the time spent waiting for the rest of a line that has begun: time the server spends on buffered lines
     * (10,000 pipelined commands) does not count, a client trickling a line byte by byte does.
     */
    static final class LineDeadlineStream extends FilterInputStream {
        private final long limit;
        private volatile boolean counting = true;
        private boolean inLine;
        private long waited;

        LineDeadlineStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        /** From now on the bytes are not lines (TLS records): read them without a deadline. */
        void passThrough() {
            counting = false;
        }

        @Override
        public int read() throws IOException {
            if (!counting) {
                return super.read();
            }
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
            if (!counting) {
                return super.read(buffer, offset, length);
            }
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
