package dev.oauthsmtprelay.intake.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.SMTPServer;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/**
 * The SMTP server the LAN sends to. A SubEthaSMTP server can be started once only, so every {@link #start()} builds
 * a new one. Session threads are bounded by the connection limit (plus a few for the refusal replies).
 */
public final class SmtpListener {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpListener.class);

    /** Listener states for health and status. */
    public enum State { STOPPED, LISTENING, FAILED }

    private final ListenerSettings settings;
    private final Submitter submitter;
    private final ListenerStats stats;
    private final SSLContext tls;
    private final AuthenticationHandlerFactory auth;
    private volatile SMTPServer server;
    private volatile State state = State.STOPPED;
    private volatile String failure;
    private ExecutorService sessions;

    /**
     * @param tls  the server's TLS context, or null without TLS
     * @param auth AUTH PLAIN and LOGIN, or null without authentication
     */
    public SmtpListener(ListenerSettings settings, Submitter submitter, ListenerStats stats, SSLContext tls,
                        AuthenticationHandlerFactory auth) {
        this.settings = settings;
        this.submitter = submitter;
        this.stats = stats;
        this.tls = tls;
        this.auth = auth;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        sessions = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "relay-smtp-session-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        InetAddress bind;
        try {
            bind = InetAddress.getByName(settings.host());
        } catch (IOException e) {
            throw new ConfigurationException(RelayKeys.LISTENER_HOST + "=" + settings.host() + " is not an address of "
                    + "this machine: " + e.getMessage());
        }
        SMTPServer.Builder builder = SMTPServer.port(settings.port())
                .bindAddress(bind)
                .hostName(settings.hostName())
                .softwareName("oauth-smtp-relay")
                .executorService(sessions)
                .messageHandlerFactory(RelayMessageHandler.factory(settings, stats, submitter))
                .sessionHandler(new ListenerSessions(settings, stats))
                .serverSocketFactory(() -> LineDeadlineSockets.serverSocket(settings.commandTimeout()))
                // Our own limits answer first, with replies that name the setting.
                .maxConnections(settings.maxConnections() + 5)
                .maxRecipients(-1)
                .maxMessageSize(settings.maxMessageSize())
                .connectionTimeoutMs((int) Math.min(Integer.MAX_VALUE, settings.commandTimeout().toMillis()))
                // The relay writes its own Received header (relaySmtpIntake), with the relay id.
                .insertReceivedHeaders(false);
        if (tls != null) {
            builder.enableTLS().startTlsSocketFactory(socket -> ListenerTls.wrap(tls, socket, settings.tlsProtocols()));
            // With AUTH required, no mail goes without a login and no login without TLS.
            if (settings.tls() == ListenerSettings.Tls.REQUIRED || settings.auth() == ListenerSettings.Auth.REQUIRED) {
                builder.requireTLS();
            }
        }
        if (auth != null) {
            builder.authenticationHandlerFactory(auth);
            if (settings.auth() == ListenerSettings.Auth.REQUIRED) {
                builder.requireAuth();
            }
        }
        SMTPServer started = builder.build();
        CommandHandler commands = started.getCommandHandler();
        commands.addCommand(new ListenerEhlo());
        commands.addCommand(new MailSizeCheck(commands.getCommand("MAIL"), stats));
        try {
            started.start();
        } catch (RuntimeException e) {
            state = State.FAILED;
            failure = e.getCause() != null ? e.getCause().toString() : e.toString();
            sessions.shutdownNow();
            throw new ConfigurationException("the SMTP listener cannot listen on " + settings.describe() + " ("
                    + failure + "); free the port or change " + RelayKeys.LISTENER_PORT + " / " + RelayKeys.LISTENER_HOST, e);
        }
        server = started;
        state = State.LISTENING;
        LOG.info("SMTP listener on {} for clients in {}, senders {}; TLS {}, AUTH {}", describe(),
                settings.allowedNetworks(), settings.allowedSenders(), settings.tls(), settings.auth());
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(); // closes the server socket and the open sessions, waits for their threads
            server = null;
            sessions.shutdownNow();
        }
        if (state == State.LISTENING) {
            state = State.STOPPED;
        }
    }

    /** The port clients connect to (the one chosen when {@code relay.listener.port=0}). */
    public int port() {
        SMTPServer current = server;
        return current == null ? settings.port() : current.getPortAllocated() > 0 ? current.getPortAllocated()
                : current.getPort();
    }

    public State state() {
        return state;
    }

    public String failure() {
        return failure;
    }

    public ListenerStats stats() {
        return stats;
    }

    public ListenerSettings settings() {
        return settings;
    }

    public String describe() {
        return settings.host() + ":" + port();
    }

    /** Whether the configured address and port can be bound now (for {@code check}, before the relay runs). */
    public static String bindProblem(ListenerSettings settings) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()));
            return null;
        } catch (IOException e) {
            return "cannot listen on " + settings.describe() + ": " + e.getMessage();
        }
    }
}
