package dev.oauthsmtprelay.intake.smtp;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Admits a connection before the greeting: the client must be in the allowed networks, and the connections open
 * in total and from its address must be under their limits. A refusal names the setting.
 */
final class ListenerSessions implements SessionHandler {

    private final ListenerSettings settings;
    private final ListenerStats stats;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();

    ListenerSessions(ListenerSettings settings, ListenerStats stats) {
        this.settings = settings;
        this.stats = stats;
    }

    @Override
    public synchronized SessionAcceptance accept(Session session) {
        stats.connected();
        InetAddress client = session.getSocket().getInetAddress();
        if (!settings.allowedNetworks().contains(client)) {
            return refuse(Refusal.Reason.NETWORK, 554, "5.7.1 client " + client.getHostAddress() + " may not relay: it "
                    + "is not in " + RelayKeys.LISTENER_ALLOWED_NETWORKS + " (" + settings.allowedNetworks() + ")");
        }
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            return refuse(Refusal.Reason.CONNECTIONS, 421, "4.7.0 too many connections: the limit is "
                    + settings.maxConnections() + " (" + RelayKeys.LISTENER_MAX_CONNECTIONS + "); try again later");
        }
        AtomicInteger fromClient = perClient.computeIfAbsent(client, c -> new AtomicInteger());
        if (fromClient.incrementAndGet() > settings.maxConnectionsPerClient()) {
            release(client, fromClient);
            return refuse(Refusal.Reason.CONNECTIONS, 421, "4.7.0 too many connections from " + client.getHostAddress()
                    + ": the limit is " + settings.maxConnectionsPerClient() + " ("
                    + RelayKeys.LISTENER_MAX_CONNECTIONS_PER_CLIENT + "); try again later");
        }
        return SessionAcceptance.success();
    }

    @Override
    public synchronized void onSessionEnd(Session session) {
        InetAddress client = session.getSocket().getInetAddress();
        AtomicInteger fromClient = perClient.get(client);
        if (fromClient != null) {
            release(client, fromClient);
        }
        stats.disconnected();
    }

    /** Rejected sessions get no onSessionEnd call. */
    private SessionAcceptance refuse(Refusal.Reason reason, int code, String text) {
        stats.refused(reason);
        stats.disconnected();
        return SessionAcceptance.failure(code, text);
    }

    private void release(InetAddress client, AtomicInteger fromClient) {
        open.decrementAndGet();
        if (fromClient.decrementAndGet() <= 0) {
            perClient.remove(client, fromClient);
        }
    }

    int open() {
        return open.get();
    }
}
