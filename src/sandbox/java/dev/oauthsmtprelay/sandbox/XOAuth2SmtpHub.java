package dev.oauthsmtprelay.sandbox;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A real SMTP submission server that behaves like Gmail / Office 365: STARTTLS required (or implicit
 * TLS, or a hub that offers no STARTTLS at all), SASL XOAUTH2 as the only mechanism, AUTH required before
 * MAIL FROM. It is a genuine RFC 5321 / 3207 / 4954 implementation on plain {@code java.net} /
 * {@code javax.net.ssl} sockets, listening on 127.0.0.1 on a free port, one thread per connection. The tests use
 * it as the upstream hub, and so does the {@code demo} sandbox ({@link DemoSandbox}).
 *
 * <p>Everything is recorded for assertions: received messages (envelope, DATA bytes after dot-unstuffing,
 * authenticated mailbox and token), connections with a transcript of every command and reply, AUTH attempts.
 * Failures can be scripted for retry tests ({@link #failNextMail}, {@link #failNextRcpt}, {@link #failNextData},
 * {@link #failNextAuth}, {@link #rejectRecipient}, {@link #closeNextConnectionsAfterGreeting},
 * {@link #greetNextConnectionsWith}).
 *
 * <pre>{@code
 * try (XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().acceptToken("alice@example.com", "tok").start()) {
 *     // relay: host hub.host(), port hub.port(), trust store hub.certificatePemPath()
 *     ReceivedMessage m = hub.awaitMessages(1, Duration.ofSeconds(5)).get(0);
 * }
 * }</pre>
 */
public final class XOAuth2SmtpHub implements AutoCloseable {

    /** How the hub offers TLS. */
    public enum TlsMode {
        /** Plain connect, STARTTLS advertised and required before AUTH/MAIL (Gmail / Office 365 on 587). */
        STARTTLS_REQUIRED,
        /** TLS from the first byte (port 465 style, "smtps"). */
        IMPLICIT_TLS,
        /** Clear text only: STARTTLS is neither advertised nor accepted (a hub the relay must refuse). */
        NO_STARTTLS
    }

    /** How a rejected XOAUTH2 token is answered. */
    public enum RejectionStyle {
        /** {@code 334 base64({"status":"401",...})}, wait for the client's empty line, then {@code 535 5.7.8}. */
        GMAIL,
        /** {@code 535 5.7.3 Authentication unsuccessful} straight away. */
        OFFICE365
    }

    /** Which server certificate the hub presents. */
    public enum CertificateKind {
        /** CN=localhost with SAN dns:localhost and ip:127.0.0.1: passes host-name verification. */
        LOCALHOST,
        /** CN=wrong.example, no SAN: trusted through the PEM but fails host-name verification. */
        WRONG_NAME
    }

    /** Scripted reply meaning: close the connection without answering. */
    public static final String DISCONNECT = "<disconnect>";
    /** Scripted DATA reply meaning: store the message, then close the connection without answering. */
    public static final String ACCEPT_THEN_DISCONNECT = "<accept-then-disconnect>";

    public static final String GMAIL_CHALLENGE_JSON =
            "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"https://mail.google.com/\"}";
    public static final String GMAIL_AUTH_REJECTED =
            "535 5.7.8 Username and Password not accepted. For more information, go to"
                    + " https://support.google.com/mail/?p=BadCredentials - gsmtp";
    public static final String OFFICE365_AUTH_REJECTED = "535 5.7.3 Authentication unsuccessful";
    /** Exchange Online's answer to any login of a mailbox (or, "Tenant", of a tenant) with SMTP AUTH turned off. */
    public static final String SMTP_AUTH_DISABLED_FOR_MAILBOX = "535 5.7.139 Authentication unsuccessful, "
            + "SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more "
            + "information.";
    public static final String SMTP_AUTH_DISABLED_FOR_TENANT = "535 5.7.139 Authentication unsuccessful, "
            + "SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more "
            + "information.";
    public static final String MUST_ISSUE_STARTTLS = "530 5.7.0 Must issue a STARTTLS command first";
    public static final String AUTHENTICATION_REQUIRED = "530 5.7.0 Authentication required";
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 35_882_577L; // what Gmail advertises

    private static final int MAX_COMMAND_LINE = 64 * 1024; // RFC 4954 asks for >= 12288 for AUTH lines
    private static final Set<String> ALLOWED_BEFORE_STARTTLS = Set.of("EHLO", "HELO", "STARTTLS", "NOOP", "RSET",
            "QUIT");

    // ---- configuration
    private final TlsMode tlsMode;
    private final CertificateKind certificateKind;
    private final String hubName;
    private final int requestedPort;
    private final long maxMessageSize;
    private final boolean requireAuth;
    private final boolean advertiseAuth;
    private final boolean advertisePipelining;
    private final boolean requireSenderMatchesMailbox;
    /** Exchange's SendAs check on the From header: the mailbox itself, or an address it was granted SendAs for. */
    private final Set<String> sendAsGrants;
    private final boolean enforceSendAs;
    private final int idleTimeoutMillis;
    private final long replyLatencyMillis;
    private final int maxConnectionsPerMailbox;
    private final Consumer<ReceivedMessage> onMessage;
    private volatile RejectionStyle rejectionStyle;
    private volatile BiPredicate<String, String> tokenValidator;
    private final Map<String, Set<String>> acceptedTokens = new ConcurrentHashMap<>();

    // ---- scripts
    private final Queue<String> mailScript = new ConcurrentLinkedQueue<>();
    private final Queue<String> rcptScript = new ConcurrentLinkedQueue<>();
    private final Queue<String> dataScript = new ConcurrentLinkedQueue<>();
    private final Queue<String> authScript = new ConcurrentLinkedQueue<>();
    private final Queue<String> greetingScript = new ConcurrentLinkedQueue<>();
    private final Map<String, String> recipientRejections = new ConcurrentHashMap<>();
    private final Set<String> smtpAuthDisabled = ConcurrentHashMap.newKeySet();
    private volatile boolean smtpAuthDisabledForTenant;
    private volatile long dataReplyDelayMillis;

    // ---- records
    private final List<ReceivedMessage> messages = new ArrayList<>(); // guarded by itself
    private final Map<String, AtomicInteger> authenticatedConnections = new ConcurrentHashMap<>();
    private final Map<String, Integer> peakAuthenticatedConnections = new ConcurrentHashMap<>();
    private final AtomicInteger connectionLimitRefusals = new AtomicInteger();
    private final AtomicInteger pipelinedCommands = new AtomicInteger();
    private final List<ConnectionLog> connections = new ArrayList<>(); // guarded by itself
    private final List<AuthAttempt> authAttempts = new ArrayList<>(); // guarded by itself
    private final AtomicInteger connectionCounter = new AtomicInteger();
    private final AtomicInteger messageCounter = new AtomicInteger();
    private final AtomicInteger authAccepted = new AtomicInteger();
    private final AtomicInteger authRejected = new AtomicInteger();

    // ---- runtime
    private HubCertificates certificates;
    private SSLSocketFactory serverSocketFactory;
    private ServerSocket serverSocket;
    private ExecutorService executor;
    private Thread acceptor;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    private XOAuth2SmtpHub(Builder b) {
        this.tlsMode = b.tlsMode;
        this.certificateKind = b.certificateKind;
        this.hubName = b.hubName;
        this.requestedPort = b.port;
        this.maxMessageSize = b.maxMessageSize;
        this.requireAuth = b.requireAuth;
        this.advertiseAuth = b.advertiseAuth;
        this.advertisePipelining = b.advertisePipelining;
        this.requireSenderMatchesMailbox = b.requireSenderMatchesMailbox;
        this.enforceSendAs = b.enforceSendAs;
        this.sendAsGrants = Set.copyOf(b.sendAsGrants);
        this.idleTimeoutMillis = (int) b.idleTimeout.toMillis();
        this.replyLatencyMillis = b.replyLatency.toMillis();
        this.maxConnectionsPerMailbox = b.maxConnectionsPerMailbox;
        this.onMessage = b.onMessage;
        this.rejectionStyle = b.rejectionStyle;
        this.tokenValidator = b.tokenValidator;
        b.acceptedTokens.forEach((mailbox, tokens) -> tokens.forEach(t -> acceptToken(mailbox, t)));
    }

    public static Builder builder() {
        return new Builder();
    }

    // =====================================================================================================
    // lifecycle

    /** Generates (or reuses) the certificate, binds 127.0.0.1 and starts accepting. Returns {@code this}. */
    public synchronized XOAuth2SmtpHub start() {
        if (running) {
            return this;
        }
        certificates = HubCertificates.get(certificateKind);
        serverSocketFactory = certificates.serverContext().getSocketFactory();
        try {
            serverSocket = new ServerSocket();
            serverSocket.setReuseAddress(true);
            serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), requestedPort), 200);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind XOAuth2SmtpHub", e);
        }
        AtomicInteger threadIds = new AtomicInteger();
        int boundPort = serverSocket.getLocalPort();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "xoauth2-hub-" + boundPort + "-conn-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        running = true;
        acceptor = new Thread(this::acceptLoop, "xoauth2-hub-" + boundPort + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    /** Stops accepting, closes every open connection and waits briefly for the handler threads. */
    @Override
    public void close() {
        ExecutorService ex;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            ex = executor;
            closeQuietly(serverSocket);
            for (Socket s : openSockets) {
                closeQuietly(s);
            }
        }
        ex.shutdownNow();
        try {
            ex.awaitTermination(5, TimeUnit.SECONDS);
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void acceptLoop() {
        while (running) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                if (running) {
                    continue;
                }
                return;
            }
            openSockets.add(s);
            int id = connectionCounter.incrementAndGet();
            ConnectionLog log = new ConnectionLog(id, Instant.now());
            synchronized (connections) {
                connections.add(log);
            }
            try {
                executor.execute(new Connection(s, log));
            } catch (RuntimeException rejected) { // executor shut down concurrently
                openSockets.remove(s);
                closeQuietly(s);
            }
        }
    }

    // =====================================================================================================
    // where and how to connect

    /** The address the hub listens on: always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** The name its {@link CertificateKind#LOCALHOST} certificate is issued for: {@code localhost}. */
    public String hostName() {
        return "localhost";
    }

    public int port() {
        if (serverSocket == null) {
            throw new IllegalStateException("hub not started");
        }
        return serverSocket.getLocalPort();
    }

    public TlsMode tlsMode() {
        return tlsMode;
    }

    /** PEM file holding the hub's (self-signed) certificate, i.e. the CA bundle a relay must trust. */
    public Path certificatePemPath() {
        return certs().pemFile;
    }

    public X509Certificate certificate() {
        return certs().certificate;
    }

    /** An in-memory PKCS12 trust store holding only the hub's certificate. */
    public KeyStore trustStore() {
        return certs().trustStore();
    }

    /** A client {@link SSLContext} that trusts exactly the hub's certificate (host names are not its concern). */
    public SSLContext clientSslContext() {
        return certs().clientContext();
    }

    /** For {@code mail.smtp.ssl.socketFactory} (put the object into the Properties, not a string). */
    public SSLSocketFactory clientSocketFactory() {
        return clientSslContext().getSocketFactory();
    }

    private HubCertificates certs() {
        HubCertificates c = certificates;
        return c != null ? c : HubCertificates.get(certificateKind);
    }

    // =====================================================================================================
    // tokens and behaviour switches

    /** Accept {@code token} for {@code mailbox} (case-insensitive mailbox), in addition to the validator. */
    public XOAuth2SmtpHub acceptToken(String mailbox, String token) {
        acceptedTokens.computeIfAbsent(mailbox.toLowerCase(Locale.ROOT), k -> ConcurrentHashMap.newKeySet())
                .add(token);
        return this;
    }

    /**
     * Replace the validator; a token is accepted if it was registered with {@link #acceptToken} or the validator
     * returns true. A validator that throws makes the hub answer {@code 454 4.7.0} (temporary failure).
     */
    public XOAuth2SmtpHub setTokenValidator(BiPredicate<String, String> validator) {
        this.tokenValidator = validator;
        return this;
    }

    public XOAuth2SmtpHub setRejectionStyle(RejectionStyle style) {
        this.rejectionStyle = Objects.requireNonNull(style);
        return this;
    }

    /**
     * Turns SMTP AUTH off (or on again) for one mailbox, as {@code Set-CASMailbox -SmtpClientAuthenticationDisabled}
     * does: its logins get {@link #SMTP_AUTH_DISABLED_FOR_MAILBOX} whatever the token.
     */
    public XOAuth2SmtpHub setSmtpAuthDisabled(String mailbox, boolean disabled) {
        if (disabled) {
            smtpAuthDisabled.add(mailbox.toLowerCase(Locale.ROOT));
        } else {
            smtpAuthDisabled.remove(mailbox.toLowerCase(Locale.ROOT));
        }
        return this;
    }

    /** Turns SMTP AUTH off (or on again) for the whole tenant: every login gets {@link #SMTP_AUTH_DISABLED_FOR_TENANT}. */
    public XOAuth2SmtpHub setSmtpAuthDisabledForTenant(boolean disabled) {
        this.smtpAuthDisabledForTenant = disabled;
        return this;
    }

    // =====================================================================================================
    // scripted failures

    /** The next {@code times} MAIL FROM commands get {@code reply} (e.g. "451 4.3.0 Try later"), or {@link #DISCONNECT}. */
    public XOAuth2SmtpHub failNextMail(int times, String reply) {
        return enqueue(mailScript, times, reply);
    }

    /** The next {@code times} RCPT TO commands (any recipient) get {@code reply}, or {@link #DISCONNECT}. */
    public XOAuth2SmtpHub failNextRcpt(int times, String reply) {
        return enqueue(rcptScript, times, reply);
    }

    /**
     * The next {@code times} messages get {@code reply} after their data (end-of-data dot) instead of 250 and are
     * not stored; {@link #DISCONNECT} closes without reply, {@link #ACCEPT_THEN_DISCONNECT} stores then closes.
     */
    public XOAuth2SmtpHub failNextData(int times, String reply) {
        return enqueue(dataScript, times, reply);
    }

    /** The next {@code times} AUTH commands get {@code reply} (e.g. "454 4.7.0 Temporary authentication failure"). */
    public XOAuth2SmtpHub failNextAuth(int times, String reply) {
        return enqueue(authScript, times, reply);
    }

    /** Every RCPT TO for {@code address} (case-insensitive) gets {@code reply}; other recipients are accepted. */
    public XOAuth2SmtpHub rejectRecipient(String address, String reply) {
        recipientRejections.put(address.toLowerCase(Locale.ROOT), reply);
        return this;
    }

    /** The next {@code times} connections get the normal 220 greeting and are then closed by the hub. */
    public XOAuth2SmtpHub closeNextConnectionsAfterGreeting(int times) {
        return enqueue(greetingScript, times, DISCONNECT);
    }

    /**
     * The next {@code times} connections are greeted with {@code reply} instead of 220; a 421 (or any 4xx)
     * greeting is followed by closing, a 554 greeting answers 503 to everything but QUIT (RFC 5321 3.1).
     */
    public XOAuth2SmtpHub greetNextConnectionsWith(int times, String reply) {
        return enqueue(greetingScript, times, reply);
    }

    /** Wait this long before answering the end of DATA (for client timeout tests). */
    public XOAuth2SmtpHub setDataReplyDelay(Duration delay) {
        this.dataReplyDelayMillis = delay.toMillis();
        return this;
    }

    /** Forget all scripted failures, recipient rejections and the DATA delay. */
    public XOAuth2SmtpHub clearScripts() {
        mailScript.clear();
        rcptScript.clear();
        dataScript.clear();
        authScript.clear();
        greetingScript.clear();
        recipientRejections.clear();
        dataReplyDelayMillis = 0;
        return this;
    }

    /** Clears scripts and all recordings (messages, connections, AUTH attempts and counters). */
    public XOAuth2SmtpHub reset() {
        clearScripts();
        synchronized (messages) {
            messages.clear();
        }
        synchronized (connections) {
            connections.clear();
        }
        synchronized (authAttempts) {
            authAttempts.clear();
        }
        connectionCounter.set(0);
        authAccepted.set(0);
        authRejected.set(0);
        peakAuthenticatedConnections.clear();
        connectionLimitRefusals.set(0);
        return this;
    }

    private XOAuth2SmtpHub enqueue(Queue<String> queue, int times, String reply) {
        Objects.requireNonNull(reply);
        for (int i = 0; i < times; i++) {
            queue.add(reply);
        }
        return this;
    }

    // =====================================================================================================
    // recordings

    /** Snapshot of the messages accepted so far, in order of acceptance. */
    public List<ReceivedMessage> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    public int messageCount() {
        synchronized (messages) {
            return messages.size();
        }
    }

    /**
     * Exchange Online's per-minute rate, as Exchange applies it: it accepts every message, and those beyond
     * {@code perMinute} in any 60 seconds for one mailbox wait in the mailbox's Outbox, carried over to the following
     * minutes. Returns how many of the mailbox's accepted messages came while {@code perMinute} others of it had come
     * in the 60 seconds before: 0 when the sender kept to the rate, otherwise what Exchange would have held back.
     */
    public int heldBackByRate(String mailbox, int perMinute) {
        List<Instant> times = messages().stream().filter(m -> mailbox.equalsIgnoreCase(m.authenticatedMailbox()))
                .map(ReceivedMessage::receivedAt).sorted().toList();
        int heldBack = 0;
        for (int i = perMinute; i < times.size(); i++) {
            if (times.get(i).isBefore(times.get(i - perMinute).plus(Duration.ofMinutes(1)))) {
                heldBack++;
            }
        }
        return heldBack;
    }

    /** Waits until at least {@code count} messages were accepted; throws {@link AssertionError} on timeout. */
    public List<ReceivedMessage> awaitMessages(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (messages) {
            while (messages.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " message(s) at the hub within " + timeout
                            + " but got " + messages.size() + "; connections: " + connectionCount()
                            + ", AUTH accepted/rejected: " + authAccepted + "/" + authRejected);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(messages, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            return List.copyOf(messages);
        }
    }

    /** Number of TCP connections accepted. */
    public int connectionCount() {
        return connectionCounter.get();
    }

    /** Snapshot of all connections in the order they were opened. */
    public List<ConnectionLog> connections() {
        synchronized (connections) {
            return List.copyOf(connections);
        }
    }

    public List<AuthAttempt> authAttempts() {
        synchronized (authAttempts) {
            return List.copyOf(authAttempts);
        }
    }

    public int authAttemptCount() {
        synchronized (authAttempts) {
            return authAttempts.size();
        }
    }

    public int authAcceptedCount() {
        return authAccepted.get();
    }

    public int authRejectedCount() {
        return authRejected.get();
    }

    /** The most connections that were logged in as {@code mailbox} at the same time (since start or reset). */
    public int peakConnectionsOf(String mailbox) {
        return peakAuthenticatedConnections.getOrDefault(mailbox.toLowerCase(Locale.ROOT), 0);
    }

    /**
     * Commands that arrived while the replies to earlier ones were still unsent: what a pipelining client sends
     * (RFC 2920). Counted only as far as they arrive within the reply latency, so set one to observe it.
     */
    public int pipelinedCommandCount() {
        return pipelinedCommands.get();
    }

    /** MAIL FROM commands refused with 432 4.3.2 because the mailbox had too many connections. */
    public int connectionLimitRefusals() {
        return connectionLimitRefusals.get();
    }

    @Override
    public String toString() {
        return "XOAuth2SmtpHub[" + tlsMode + " " + (serverSocket != null ? host() + ":" + port() : "not started")
                + ", messages=" + messageCount() + ", connections=" + connectionCount() + "]";
    }

    // =====================================================================================================
    // one connection

    private final class Connection implements Runnable {
        private final Socket plainSocket;
        private final ConnectionLog log;
        private Socket socket;
        private HubLineReader reader;
        private OutputStream out;
        private final HubLineReader.Line line = new HubLineReader.Line();
        private long unsentRepliesSince; // System.nanoTime() of the oldest reply not flushed yet; 0 = none

        private boolean tls;
        private boolean greeted; // EHLO/HELO seen since connect or STARTTLS
        private boolean rejectAll; // after a 554 greeting
        private boolean quit;
        private String authMailbox;
        private String countedMailbox;
        private String authToken;
        private String mailFrom;
        private String mailParameters;
        private final List<String> recipients = new ArrayList<>();

        Connection(Socket socket, ConnectionLog log) {
            this.plainSocket = socket;
            this.socket = socket;
            this.log = log;
        }

        @Override
        public void run() {
            try {
                plainSocket.setTcpNoDelay(true);
                plainSocket.setSoTimeout(idleTimeoutMillis);
                if (tlsMode == TlsMode.IMPLICIT_TLS) {
                    if (!upgradeToTls()) {
                        return;
                    }
                } else {
                    useStreams(plainSocket);
                }
                if (!greet()) {
                    return;
                }
                while (!quit && running) {
                    if (!reader.readLine(line, MAX_COMMAND_LINE)) {
                        log.event("client closed the connection");
                        return;
                    }
                    if (unsentRepliesSince != 0) {
                        pipelinedCommands.incrementAndGet();
                    }
                    handleLine();
                }
            } catch (SocketTimeoutException e) {
                log.event("idle timeout");
                tryReply("421 4.4.2 " + hubName + " Timeout - closing connection");
            } catch (Disconnect d) {
                log.event("hub closed the connection (scripted)");
            } catch (IOException e) {
                log.event((running ? "I/O error: " : "hub stopped: ") + e);
            } catch (RuntimeException e) {
                log.event("hub error: " + e);
                tryReply("451 4.3.0 Internal hub error");
            } finally {
                sendQuietly();
                forgetLogin();
                closeQuietly(socket);
                closeQuietly(plainSocket);
                openSockets.remove(plainSocket);
                log.closed = true;
            }
        }

        private void useStreams(Socket s) throws IOException {
            socket = s;
            reader = new HubLineReader(s.getInputStream());
            out = new BufferedOutputStream(s.getOutputStream(), 8192);
        }

        private boolean upgradeToTls() throws IOException {
            SSLSocket ssl = (SSLSocket) serverSocketFactory.createSocket(plainSocket,
                    plainSocket.getInetAddress().getHostAddress(), plainSocket.getPort(), true);
            ssl.setUseClientMode(false);
            socket = ssl;
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                log.event("TLS handshake failed: " + e.getMessage());
                return false;
            }
            tls = true;
            log.tls = true;
            log.tlsProtocol = ssl.getSession().getProtocol();
            if (ssl.getSession() instanceof ExtendedSSLSession ext) {
                for (SNIServerName name : ext.getRequestedServerNames()) {
                    if (name instanceof SNIHostName host) {
                        log.sniHostName = host.getAsciiName();
                    }
                }
            }
            log.event("TLS established: " + log.tlsProtocol + " " + ssl.getSession().getCipherSuite());
            useStreams(ssl);
            return true;
        }

        private boolean greet() throws IOException {
            String scripted = greetingScript.poll();
            if (scripted == null) {
                reply("220 " + hubName + " ESMTP XOAuth2SmtpHub ready");
                return true;
            }
            if (DISCONNECT.equals(scripted)) {
                reply("220 " + hubName + " ESMTP XOAuth2SmtpHub ready");
                log.event("hub closes the connection after the greeting (scripted)");
                return false;
            }
            reply(scripted);
            if (scripted.startsWith("554")) {
                rejectAll = true;
                return true;
            }
            log.event("hub closes the connection after the greeting (scripted)");
            return false;
        }

        private void handleLine() throws IOException {
            if (line.overflowed()) {
                log.client("<command line of " + line.total + " bytes>");
                reply("500 5.5.2 Line too long");
                return;
            }
            String command = new String(line.bytes, 0, line.contentLength(), StandardCharsets.UTF_8);
            log.client(command);
            int sp = command.indexOf(' ');
            String verb = (sp < 0 ? command : command.substring(0, sp)).toUpperCase(Locale.ROOT);
            String arg = sp < 0 ? "" : command.substring(sp + 1).trim();

            if (rejectAll && !verb.equals("QUIT")) {
                reply("503 5.5.1 No SMTP service here");
                return;
            }
            if (tlsMode == TlsMode.STARTTLS_REQUIRED && !tls && !verb.isEmpty()
                    && !ALLOWED_BEFORE_STARTTLS.contains(verb)) {
                reply(MUST_ISSUE_STARTTLS);
                return;
            }
            switch (verb) {
                case "EHLO" -> ehlo(arg, true);
                case "HELO" -> ehlo(arg, false);
                case "STARTTLS" -> startTls(arg);
                case "AUTH" -> auth(arg);
                case "MAIL" -> mail(arg);
                case "RCPT" -> rcpt(arg);
                case "DATA" -> data(arg);
                case "RSET" -> {
                    resetTransaction();
                    reply("250 2.1.5 Flushed");
                }
                case "NOOP" -> reply("250 2.0.0 OK");
                case "QUIT" -> {
                    reply("221 2.0.0 " + hubName + " closing connection");
                    quit = true;
                }
                case "VRFY" -> reply("252 2.1.5 Send some mail, I'll try my best");
                case "HELP" -> reply("214 2.0.0 See RFC 5321");
                case "" -> reply("500 5.5.2 Syntax error, command unrecognized");
                default -> reply("502 5.5.1 Unrecognized command.");
            }
        }

        private void ehlo(String arg, boolean extended) throws IOException {
            if (arg.isEmpty()) {
                reply("501 5.5.4 Empty " + (extended ? "EHLO" : "HELO") + " argument not allowed");
                return;
            }
            resetTransaction();
            greeted = true;
            String first = hubName + " at your service, [" + plainSocket.getInetAddress().getHostAddress() + "]";
            if (!extended) {
                reply("250 " + first);
                return;
            }
            List<String> lines = new ArrayList<>();
            lines.add(first);
            lines.add("SIZE " + maxMessageSize);
            if (advertisePipelining) {
                lines.add("PIPELINING");
            }
            lines.add("8BITMIME");
            if (tlsMode == TlsMode.STARTTLS_REQUIRED && !tls) {
                lines.add("STARTTLS");
            }
            if (authAvailable()) {
                lines.add("AUTH XOAUTH2");
            }
            lines.add("ENHANCEDSTATUSCODES");
            lines.add("SMTPUTF8");
            replyMultiline(250, lines);
        }

        private boolean authAvailable() {
            return advertiseAuth && (tls || tlsMode == TlsMode.NO_STARTTLS);
        }

        private void startTls(String arg) throws IOException {
            if (tlsMode != TlsMode.STARTTLS_REQUIRED) {
                reply("502 5.5.1 Unrecognized command.");
                return;
            }
            if (tls) {
                reply("503 5.5.1 TLS already active");
                return;
            }
            if (!arg.isEmpty()) {
                reply("501 5.5.4 Syntax error (no parameters allowed)");
                return;
            }
            reply("220 2.0.0 Ready to start TLS");
            send(); // before the handshake, whatever the client sent after STARTTLS
            if (reader.buffered() > 0) { // RFC 3207 / CVE-2011-0411: never act on pipelined plaintext
                log.event("discarded " + reader.buffered() + " byte(s) sent after STARTTLS before the handshake");
            }
            if (!upgradeToTls()) {
                quit = true;
                return;
            }
            log.startTlsCompleted = true;
            // RFC 3207 4.2: forget everything learned before TLS
            greeted = false;
            authMailbox = null;
            authToken = null;
            resetTransaction();
        }

        private void auth(String arg) throws IOException {
            if (!greeted) {
                reply("503 5.5.1 EHLO/HELO first.");
                return;
            }
            if (!authAvailable()) {
                reply("503 5.5.1 AUTH command is not enabled.");
                return;
            }
            if (authMailbox != null) {
                reply("503 5.5.1 Already authenticated.");
                return;
            }
            if (mailFrom != null) {
                reply("503 5.5.1 AUTH not permitted during a mail transaction");
                return;
            }
            String[] parts = arg.split(" +", 2);
            String mechanism = parts[0].toUpperCase(Locale.ROOT);
            if (!mechanism.equals("XOAUTH2")) {
                recordAuth(new AuthAttempt(log.id, mechanism, null, null, false, tls, "504"));
                reply("504 5.7.4 Unrecognized authentication type.");
                return;
            }
            String scripted = authScript.poll();
            if (scripted != null) {
                recordAuth(new AuthAttempt(log.id, mechanism, null, null, false, tls, scripted));
                scriptedReply(scripted);
                return;
            }
            String response;
            if (parts.length > 1 && !parts[1].isEmpty()) {
                response = parts[1].trim();
            } else {
                reply("334 ");
                if (!reader.readLine(line, MAX_COMMAND_LINE)) {
                    throw new IOException("client closed the connection during AUTH");
                }
                response = new String(line.bytes, 0, line.contentLength(), StandardCharsets.US_ASCII).trim();
                log.client(response);
            }
            if (response.equals("*")) {
                recordAuth(new AuthAttempt(log.id, mechanism, null, null, false, tls, "501"));
                reply("501 5.7.0 Authentication aborted");
                return;
            }
            byte[] decoded;
            try {
                decoded = response.equals("=") ? new byte[0] : Base64.getDecoder().decode(response);
            } catch (IllegalArgumentException e) {
                recordAuth(new AuthAttempt(log.id, mechanism, null, null, false, tls, "501"));
                reply("501 5.5.2 Cannot decode response");
                return;
            }
            String[] credentials = parseXOAuth2(new String(decoded, StandardCharsets.UTF_8));
            if (credentials == null) {
                recordAuth(new AuthAttempt(log.id, mechanism, null, null, false, tls, "501"));
                reply("501 5.5.2 Malformed XOAUTH2 client response");
                return;
            }
            String mailbox = credentials[0];
            String token = credentials[1];
            String disabled = smtpAuthDisabledForTenant ? SMTP_AUTH_DISABLED_FOR_TENANT
                    : smtpAuthDisabled.contains(mailbox.toLowerCase(Locale.ROOT)) ? SMTP_AUTH_DISABLED_FOR_MAILBOX : null;
            if (disabled != null) {
                authRejected.incrementAndGet();
                recordAuth(new AuthAttempt(log.id, mechanism, mailbox, token, false, tls, "535"));
                reply(disabled);
                return;
            }
            boolean valid;
            try {
                valid = isTokenValid(mailbox, token);
            } catch (RuntimeException e) {
                log.event("token validator failed: " + e);
                recordAuth(new AuthAttempt(log.id, mechanism, mailbox, token, false, tls, "454"));
                reply("454 4.7.0 Temporary authentication failure");
                return;
            }
            if (valid) {
                countLogin(mailbox);
                authMailbox = mailbox;
                authToken = token;
                log.authenticatedMailbox = mailbox;
                authAccepted.incrementAndGet();
                recordAuth(new AuthAttempt(log.id, mechanism, mailbox, token, true, tls, "235"));
                reply("235 2.7.0 Accepted");
                return;
            }
            authRejected.incrementAndGet();
            if (rejectionStyle == RejectionStyle.OFFICE365) {
                recordAuth(new AuthAttempt(log.id, mechanism, mailbox, token, false, tls, "535"));
                reply(OFFICE365_AUTH_REJECTED);
                return;
            }
            recordAuth(new AuthAttempt(log.id, mechanism, mailbox, token, false, tls, "334"));
            reply("334 " + Base64.getEncoder().encodeToString(GMAIL_CHALLENGE_JSON.getBytes(StandardCharsets.UTF_8)));
            if (!reader.readLine(line, MAX_COMMAND_LINE)) {
                throw new IOException("client closed the connection after the XOAUTH2 error challenge");
            }
            log.client(new String(line.bytes, 0, line.contentLength(), StandardCharsets.US_ASCII));
            reply(GMAIL_AUTH_REJECTED);
        }

        private void mail(String arg) throws IOException {
            if (!greeted) {
                reply("503 5.5.1 EHLO/HELO first.");
                return;
            }
            if (requireAuth && authMailbox == null) {
                reply(AUTHENTICATION_REQUIRED);
                return;
            }
            if (overConnectionLimit()) {
                connectionLimitRefusals.incrementAndGet();
                reply("432 4.3.2 Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending for "
                        + "more information.");
                return;
            }
            if (mailFrom != null) {
                reply("503 5.5.1 Nested MAIL command");
                return;
            }
            String[] path = parsePath(arg, "FROM:");
            if (path == null) {
                reply("501 5.1.7 Bad sender address syntax");
                return;
            }
            String params = path[1];
            for (String p : params.isEmpty() ? new String[0] : params.split(" +")) {
                if (p.toUpperCase(Locale.ROOT).startsWith("SIZE=")) {
                    try {
                        if (Long.parseLong(p.substring(5)) > maxMessageSize) {
                            reply("552 5.3.4 Message size exceeds fixed maximum message size");
                            return;
                        }
                    } catch (NumberFormatException e) {
                        reply("501 5.5.4 Invalid SIZE parameter");
                        return;
                    }
                }
            }
            String scripted = mailScript.poll();
            if (scripted != null) {
                scriptedReply(scripted);
                return;
            }
            mailFrom = path[0];
            mailParameters = params;
            reply("250 2.1.0 OK");
        }

        private void rcpt(String arg) throws IOException {
            if (mailFrom == null) {
                reply("503 5.5.1 need MAIL before RCPT");
                return;
            }
            String[] path = parsePath(arg, "TO:");
            if (path == null || path[0].isEmpty()) {
                reply("501 5.1.3 Bad recipient address syntax");
                return;
            }
            String rejection = recipientRejections.get(path[0].toLowerCase(Locale.ROOT));
            if (rejection != null) {
                scriptedReply(rejection);
                return;
            }
            String scripted = rcptScript.poll();
            if (scripted != null) {
                scriptedReply(scripted);
                return;
            }
            recipients.add(path[0]);
            reply("250 2.1.5 OK");
        }

        private void data(String arg) throws IOException {
            if (mailFrom == null) {
                reply("503 5.5.1 need MAIL command");
                return;
            }
            if (recipients.isEmpty()) {
                reply("503 5.5.1 RCPT first.");
                return;
            }
            if (!arg.isEmpty()) {
                reply("501 5.5.4 Syntax: DATA");
                return;
            }
            reply("354 Go ahead");
            int keepLimit = (int) Math.min(Integer.MAX_VALUE - 16, maxMessageSize + 2);
            ByteArrayOutputStream content = new ByteArrayOutputStream(8192);
            long size = 0;
            while (true) {
                if (!reader.readLine(line, keepLimit)) {
                    throw new IOException("client closed the connection during DATA after " + size + " bytes");
                }
                if (line.isDataTerminator()) {
                    break;
                }
                int off = line.length > 0 && line.bytes[0] == '.' ? 1 : 0; // RFC 5321 4.5.2 dot-unstuffing
                size += line.total - off;
                if (size <= maxMessageSize) {
                    content.write(line.bytes, off, line.length - off);
                }
            }
            log.client("<" + size + " bytes of message data>");
            log.client(".");
            if (size > maxMessageSize) {
                resetTransaction();
                reply("552 5.3.4 Message size exceeds fixed maximum message size");
                return;
            }
            String scripted = dataScript.poll();
            if (scripted != null && !ACCEPT_THEN_DISCONNECT.equals(scripted)) {
                resetTransaction();
                scriptedReply(scripted);
                return;
            }
            if (requireSenderMatchesMailbox && authMailbox != null && !authMailbox.equalsIgnoreCase(mailFrom)) {
                resetTransaction();
                reply("554 5.2.252 SendAsDenied; " + authMailbox + " not allowed to send as " + mailFrom
                        + "; STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAs;"
                        + " Failed to process message due to a permanent exception");
                return;
            }
            String headerFrom = enforceSendAs ? fromHeader(content.toByteArray()) : null;
            if (enforceSendAs && authMailbox != null && headerFrom != null && !authMailbox.equalsIgnoreCase(headerFrom)
                    && !sendAsGrants.contains(headerFrom.toLowerCase(Locale.ROOT))) {
                resetTransaction();
                reply("550 5.7.60 SMTP; Client does not have permissions to send as this sender");
                return;
            }
            int number = messageCounter.incrementAndGet();
            ReceivedMessage message = new ReceivedMessage(number, log.id, mailFrom, mailParameters,
                    List.copyOf(recipients), content.toByteArray(), authMailbox, authToken, tls, Instant.now());
            synchronized (messages) {
                messages.add(message);
                messages.notifyAll();
            }
            if (onMessage != null) {
                onMessage.accept(message);
            }
            resetTransaction();
            if (ACCEPT_THEN_DISCONNECT.equals(scripted)) {
                throw new Disconnect();
            }
            pause(dataReplyDelayMillis);
            reply("250 2.0.0 OK " + number + " - xoauth2hub");
        }

        /** The address in the From header, as Exchange compares it with the mailbox; null when there is none. */
        private String fromHeader(byte[] data) {
            try {
                String from = new jakarta.mail.internet.InternetHeaders(new java.io.ByteArrayInputStream(data))
                        .getHeader("From", ",");
                if (from == null) {
                    return null;
                }
                jakarta.mail.internet.InternetAddress[] addresses = jakarta.mail.internet.InternetAddress.parseHeader(from, false);
                return addresses.length == 0 ? null : addresses[0].getAddress();
            } catch (jakarta.mail.MessagingException e) {
                return null;
            }
        }

        private void resetTransaction() {
            mailFrom = null;
            mailParameters = null;
            recipients.clear();
        }

        private void scriptedReply(String reply) throws IOException {
            if (DISCONNECT.equals(reply) || ACCEPT_THEN_DISCONNECT.equals(reply)) {
                throw new Disconnect();
            }
            reply(reply);
            if (reply.startsWith("421")) { // RFC 5321 3.8: 421 means the server closes the channel
                throw new Disconnect();
            }
        }

        private void reply(String text) throws IOException {
            log.server(text);
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            sendUnlessMoreCommandsWait();
        }

        private void replyMultiline(int code, List<String> lines) throws IOException {
            pause(replyLatencyMillis);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                String l = code + (i == lines.size() - 1 ? " " : "-") + lines.get(i);
                log.server(l);
                sb.append(l).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            sendUnlessMoreCommandsWait();
        }

        /**
         * As a pipelining server (RFC 2920), answers commands that arrived together in one go: the replies
         * written so far go out when no further command waits to be read. The reply latency is paid once per
         * such batch, counted from its first reply, as a network's round trip would be.
         */
        private void sendUnlessMoreCommandsWait() throws IOException {
            if (unsentRepliesSince == 0) {
                unsentRepliesSince = System.nanoTime();
            }
            while (!moreInputWaiting()) {
                long wait = unsentRepliesSince + replyLatencyMillis * 1_000_000 - System.nanoTime();
                if (wait <= 0) {
                    send();
                    return;
                }
                pause(Math.max(1, wait / 1_000_000));
            }
        }

        /** Bytes read but not consumed, or still in the socket (under TLS: records not decrypted yet). */
        private boolean moreInputWaiting() throws IOException {
            return reader.buffered() > 0 || plainSocket.getInputStream().available() > 0;
        }

        private void send() throws IOException {
            unsentRepliesSince = 0;
            out.flush();
        }

        private void sendQuietly() {
            try {
                if (out != null && unsentRepliesSince != 0 && !socket.isClosed()) {
                    send();
                }
            } catch (IOException | RuntimeException ignored) {
                // the connection is going away anyway
            }
        }

        private void pause(long millis) throws IOException {
            if (millis <= 0) {
                return;
            }
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }

        private void countLogin(String mailbox) {
            forgetLogin();
            countedMailbox = mailbox.toLowerCase(Locale.ROOT);
            int now = authenticatedConnections.computeIfAbsent(countedMailbox, k -> new AtomicInteger()).incrementAndGet();
            peakAuthenticatedConnections.merge(countedMailbox, now, Math::max);
        }

        private void forgetLogin() {
            if (countedMailbox != null) {
                authenticatedConnections.get(countedMailbox).decrementAndGet();
                countedMailbox = null;
            }
        }

        /** Exchange Online: a fourth connection of the same mailbox gets 432 4.3.2 for every message it tries. */
        private boolean overConnectionLimit() {
            return maxConnectionsPerMailbox > 0 && countedMailbox != null
                    && authenticatedConnections.get(countedMailbox).get() > maxConnectionsPerMailbox;
        }

        private void tryReply(String text) {
            try {
                if (out != null && !socket.isClosed()) {
                    reply(text);
                }
            } catch (IOException | RuntimeException ignored) {
                // the connection is going away anyway
            }
        }
    }

    /** Thrown inside a connection to close it without a further reply. */
    private static final class Disconnect extends IOException {
        Disconnect() {
            super("scripted disconnect", null);
        }
    }

    private boolean isTokenValid(String mailbox, String token) {
        Set<String> tokens = acceptedTokens.get(mailbox.toLowerCase(Locale.ROOT));
        if (tokens != null && tokens.contains(token)) {
            return true;
        }
        BiPredicate<String, String> validator = tokenValidator;
        return validator != null && validator.test(mailbox, token);
    }

    private void recordAuth(AuthAttempt attempt) {
        synchronized (authAttempts) {
            authAttempts.add(attempt);
        }
    }

    /** {@code user=<mailbox>^Aauth=Bearer <token>^A^A} → {mailbox, token}, or null when malformed. */
    static String[] parseXOAuth2(String s) {
        if (!s.endsWith("\u0001\u0001")) {
            return null;
        }
        String mailbox = null;
        String token = null;
        for (String field : s.substring(0, s.length() - 2).split("\u0001")) {
            if (field.startsWith("user=")) {
                mailbox = field.substring(5);
            } else if (field.regionMatches(true, 0, "auth=Bearer ", 0, 12)) {
                token = field.substring(12);
            }
        }
        if (mailbox == null || mailbox.isEmpty() || token == null || token.isEmpty()) {
            return null;
        }
        return new String[] {mailbox, token};
    }

    /** {@code FROM:<addr> params} → {addr, params}; null on syntax error. Tolerates a space after the colon. */
    static String[] parsePath(String arg, String keyword) {
        if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) {
            return null;
        }
        String rest = arg.substring(keyword.length()).stripLeading();
        if (!rest.startsWith("<")) {
            return null;
        }
        int close = rest.indexOf('>');
        if (close < 0) {
            return null;
        }
        String address = rest.substring(1, close);
        int colon = address.indexOf(':'); // strip an RFC 5321 source route "@a,@b:user@host"
        if (address.startsWith("@") && colon > 0) {
            address = address.substring(colon + 1);
        }
        return new String[] {address, rest.substring(close + 1).trim()};
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    // =====================================================================================================
    // recorded types

    /** One message the hub accepted (250 after DATA). */
    public static final class ReceivedMessage {
        private final int number;
        private final int connectionId;
        private final String mailFrom;
        private final String mailParameters;
        private final List<String> recipients;
        private final byte[] data;
        private final String authenticatedMailbox;
        private final String token;
        private final boolean overTls;
        private final Instant receivedAt;

        ReceivedMessage(int number, int connectionId, String mailFrom, String mailParameters,
                        List<String> recipients, byte[] data, String authenticatedMailbox, String token,
                        boolean overTls, Instant receivedAt) {
            this.number = number;
            this.connectionId = connectionId;
            this.mailFrom = mailFrom;
            this.mailParameters = mailParameters;
            this.recipients = recipients;
            this.data = data;
            this.authenticatedMailbox = authenticatedMailbox;
            this.token = token;
            this.overTls = overTls;
            this.receivedAt = receivedAt;
        }

        /** 1-based order of acceptance at this hub (not reset by {@link XOAuth2SmtpHub#reset()}). */
        public int number() {
            return number;
        }

        public int connectionId() {
            return connectionId;
        }

        /** The reverse path of MAIL FROM (without angle brackets; empty for the null sender). */
        public String mailFrom() {
            return mailFrom;
        }

        /** ESMTP parameters of MAIL FROM, e.g. {@code SIZE=1234 BODY=8BITMIME}; empty if none. */
        public String mailParameters() {
            return mailParameters;
        }

        /** Accepted RCPT TO addresses in order (rejected ones are not here). */
        public List<String> recipients() {
            return recipients;
        }

        /** The message exactly as received between DATA and the final dot, after dot-unstuffing (a copy). */
        public byte[] data() {
            return data.clone();
        }

        public int size() {
            return data.length;
        }

        public String dataAsString() {
            return new String(data, StandardCharsets.UTF_8);
        }

        /** Parses the data with Jakarta Mail. */
        public MimeMessage mimeMessage() {
            try {
                return new MimeMessage(Session.getInstance(new Properties()),
                        new java.io.ByteArrayInputStream(data));
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The mailbox named in {@code user=} of the XOAUTH2 response, or null if the session had no AUTH. */
        public String authenticatedMailbox() {
            return authenticatedMailbox;
        }

        /** The bearer token the session authenticated with, or null. */
        public String token() {
            return token;
        }

        public boolean overTls() {
            return overTls;
        }

        public Instant receivedAt() {
            return receivedAt;
        }

        @Override
        public String toString() {
            return "ReceivedMessage#" + number + "[conn=" + connectionId + ", from=" + mailFrom + ", rcpt="
                    + recipients + ", auth=" + authenticatedMailbox + ", " + data.length + " bytes"
                    + (overTls ? ", tls" : ", CLEAR TEXT") + "]";
        }
    }

    /**
     * One AUTH command. {@code reply} is the code the hub answered with first ("235", "334" for the Gmail
     * error challenge, "535", "454", "501", "504") or the scripted reply.
     */
    public record AuthAttempt(int connectionId, String mechanism, String mailbox, String token, boolean accepted,
                              boolean overTls, String reply) {
    }

    /** One line of a connection's transcript: 'C' client command, 'S' server reply, '*' hub event. */
    public record TranscriptLine(char from, String text, boolean tls) {
        @Override
        public String toString() {
            return from + (tls ? "~ " : ": ") + text;
        }
    }

    /** Everything that happened on one TCP connection. */
    public static final class ConnectionLog {
        private final int id;
        private final Instant openedAt;
        private final List<TranscriptLine> transcript = Collections.synchronizedList(new ArrayList<>());
        volatile boolean tls;
        volatile boolean startTlsCompleted;
        volatile String tlsProtocol;
        volatile String sniHostName;
        volatile String authenticatedMailbox;
        volatile boolean closed;

        ConnectionLog(int id, Instant openedAt) {
            this.id = id;
            this.openedAt = openedAt;
        }

        void client(String text) {
            transcript.add(new TranscriptLine('C', text, tls));
        }

        void server(String text) {
            transcript.add(new TranscriptLine('S', text, tls));
        }

        void event(String text) {
            transcript.add(new TranscriptLine('*', text, tls));
        }

        /** 1-based, in order of acceptance. */
        public int id() {
            return id;
        }

        public Instant openedAt() {
            return openedAt;
        }

        public List<TranscriptLine> transcript() {
            synchronized (transcript) {
                return List.copyOf(transcript);
            }
        }

        /** Client lines only (commands, SASL responses, a summary line for DATA content). */
        public List<String> commands() {
            return lines('C');
        }

        /** Server reply lines. */
        public List<String> replies() {
            return lines('S');
        }

        private List<String> lines(char from) {
            List<String> result = new ArrayList<>();
            for (TranscriptLine l : transcript()) {
                if (l.from() == from) {
                    result.add(l.text());
                }
            }
            return result;
        }

        /** Whether the client sent a command with this verb (e.g. "AUTH") at all. */
        public boolean sentCommand(String verb) {
            return transcript().stream().anyMatch(l -> l.from() == 'C' && hasVerb(l.text(), verb));
        }

        /** Whether the client sent a command with this verb while the connection was still in clear text. */
        public boolean sentCommandInClear(String verb) {
            return transcript().stream().anyMatch(l -> l.from() == 'C' && !l.tls() && hasVerb(l.text(), verb));
        }

        private static boolean hasVerb(String line, String verb) {
            return line.regionMatches(true, 0, verb, 0, verb.length())
                    && (line.length() == verb.length() || line.charAt(verb.length()) == ' ');
        }

        /** Whether the connection ever used TLS (implicit or after STARTTLS). */
        public boolean tls() {
            return tls;
        }

        public boolean startTlsCompleted() {
            return startTlsCompleted;
        }

        public String tlsProtocol() {
            return tlsProtocol;
        }

        /** The SNI host name the client asked for, or null (Java sends none when connecting to an IP). */
        public String sniHostName() {
            return sniHostName;
        }

        public String authenticatedMailbox() {
            return authenticatedMailbox;
        }

        public boolean closed() {
            return closed;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("connection #" + id + ":\n");
            for (TranscriptLine l : transcript()) {
                sb.append("  ").append(l).append('\n');
            }
            return sb.toString();
        }
    }

    // =====================================================================================================
    // builder

    public static final class Builder {
        private TlsMode tlsMode = TlsMode.STARTTLS_REQUIRED;
        private CertificateKind certificateKind = CertificateKind.LOCALHOST;
        private RejectionStyle rejectionStyle = RejectionStyle.GMAIL;
        private BiPredicate<String, String> tokenValidator;
        private final Map<String, List<String>> acceptedTokens = new LinkedHashMap<>();
        private String hubName = "smtp.hub.test";
        private int port;
        private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private boolean requireAuth = true;
        private boolean advertiseAuth = true;
        private boolean advertisePipelining = true;
        private boolean requireSenderMatchesMailbox;
        private boolean enforceSendAs;
        private final Set<String> sendAsGrants = new java.util.HashSet<>();
        private Duration idleTimeout = Duration.ofMinutes(2);
        private Duration replyLatency = Duration.ZERO;
        private int maxConnectionsPerMailbox;
        private Consumer<ReceivedMessage> onMessage;

        private Builder() {
        }

        public Builder tlsMode(TlsMode mode) {
            this.tlsMode = Objects.requireNonNull(mode);
            return this;
        }

        public Builder certificate(CertificateKind kind) {
            this.certificateKind = Objects.requireNonNull(kind);
            return this;
        }

        public Builder rejectionStyle(RejectionStyle style) {
            this.rejectionStyle = Objects.requireNonNull(style);
            return this;
        }

        /** Decides whether (mailbox, token) is valid; see {@link XOAuth2SmtpHub#setTokenValidator}. */
        public Builder tokenValidator(BiPredicate<String, String> validator) {
            this.tokenValidator = validator;
            return this;
        }

        public Builder acceptToken(String mailbox, String token) {
            acceptedTokens.computeIfAbsent(mailbox, k -> new ArrayList<>()).add(token);
            return this;
        }

        /** Name in the greeting and EHLO reply (not used for the certificate). */
        public Builder hubName(String name) {
            this.hubName = Objects.requireNonNull(name);
            return this;
        }

        /** Fixed port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Advertised in EHLO SIZE and enforced (552 5.3.4). */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /** Default true: MAIL FROM before AUTH gets {@code 530 5.7.0 Authentication required}. */
        public Builder requireAuth(boolean require) {
            this.requireAuth = require;
            return this;
        }

        /**
         * Default true. With false the hub offers no AUTH at all (with {@code requireAuth(false)} and
         * {@link TlsMode#NO_STARTTLS}: a hub that offers neither STARTTLS nor AUTH).
         */
        public Builder advertiseAuth(boolean advertise) {
            this.advertiseAuth = advertise;
            return this;
        }

        /** Default true, as Gmail and Exchange Online do: PIPELINING in the EHLO reply. */
        public Builder advertisePipelining(boolean advertise) {
            this.advertisePipelining = advertise;
            return this;
        }

        /**
         * Refuse, like Exchange with {@code 550 5.7.60}, a message whose From header is neither the logged-in mailbox
         * nor one of {@code grantedSendAs} (Add-RecipientPermission … -AccessRights SendAs).
         */
        public Builder enforceSendAs(String... grantedSendAs) {
            this.enforceSendAs = true;
            for (String address : grantedSendAs) {
                sendAsGrants.add(address.toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** Like Office 365: MAIL FROM other than the authenticated mailbox ends in {@code 554 5.2.252 SendAsDenied}. */
        public Builder requireSenderMatchesMailbox(boolean require) {
            this.requireSenderMatchesMailbox = require;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Waits this long before each reply reaches the client, as a hub across a network seems (round trip plus
         * the server's own time); the replies to pipelined commands that arrive within it go out together.
         * Default: none.
         */
        public Builder replyLatency(Duration latency) {
            this.replyLatency = Objects.requireNonNull(latency);
            return this;
        }

        /**
         * Like Exchange Online's SMTP AUTH submission (at most 3): while more than {@code max} connections are
         * logged in as the same mailbox, MAIL FROM on any of them gets {@code 432 4.3.2 Concurrent connections limit
         * exceeded}. Default: no limit.
         */
        public Builder maxConnectionsPerMailbox(int max) {
            this.maxConnectionsPerMailbox = max;
            return this;
        }

        /** Called on the connection's thread for every accepted message (before the 250 reply). */
        public Builder onMessage(Consumer<ReceivedMessage> listener) {
            this.onMessage = listener;
            return this;
        }

        public XOAuth2SmtpHub build() {
            return new XOAuth2SmtpHub(this);
        }

        public XOAuth2SmtpHub start() {
            return build().start();
        }
    }
}
