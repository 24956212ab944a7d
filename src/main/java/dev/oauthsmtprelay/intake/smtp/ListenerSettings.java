package dev.oauthsmtprelay.intake.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.Key;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;

/**
 * The SMTP listener's settings ({@code relay.listener.*}). The names of enabled, host and port are a contract
 * that scripts depend on.
 *
 * @param enabled                  {@value #ENABLED}, default false
 * @param host                     {@value #HOST}: the address to listen on, default 127.0.0.1
 * @param port                     {@value #PORT}: default 2525 (0: any free port, for tests)
 * @param hostName                 {@value #HOST_NAME}: the name in the greeting and the Received header
 * @param allowedNetworks          {@value #ALLOWED_NETWORKS}: clients allowed to connect, default loopback only
 * @param allowedSenders           {@value #ALLOWED_SENDERS}: MAIL FROM and From patterns
 * @param maxMessageSize           {@value #MAX_MESSAGE_SIZE}: bytes, advertised as SIZE, default relay.intake.max-size
 * @param maxRecipients            {@code relay.intake.max-recipients}: RCPT TO per message
 * @param maxConnections           {@value #MAX_CONNECTIONS}: open connections in total
 * @param maxConnectionsPerClient  {@value #MAX_CONNECTIONS_PER_CLIENT}: open connections per client address
 * @param commandTimeout           {@value #COMMAND_TIMEOUT}: the longest wait for one command line
 * @param dataTimeout              {@value #DATA_TIMEOUT}: the longest time for the whole DATA section
 * @param tls                      {@value #TLS}: none, starttls or required
 * @param certificate              {@value #TLS_CERTIFICATE}: PEM certificate chain
 * @param key                      {@value #TLS_KEY}: PEM PKCS#8 private key
 * @param tlsProtocols             {@value #TLS_PROTOCOLS}: default TLSv1.3,TLSv1.2
 * @param auth                     {@value #AUTH}: none, optional or required
 * @param usersFile                {@value #USERS}: the listener's users, salted PBKDF2 hashes
 * @param maxLoginFailures         {@value #MAX_LOGIN_FAILURES}: failed logins on one connection before it is closed
 */
public record ListenerSettings(boolean enabled, String host, int port, String hostName, ClientNetworks allowedNetworks,
                               AllowedSenders allowedSenders, int maxMessageSize, int maxRecipients,
                               int maxConnections, int maxConnectionsPerClient, Duration commandTimeout,
                               Duration dataTimeout, Tls tls, Optional<Path> certificate, Optional<Path> key,
                               List<String> tlsProtocols, Auth auth, Path usersFile, int maxLoginFailures) {

    public static final String ENABLED = "relay.listener.enabled";
    public static final String HOST = "relay.listener.host";
    public static final String PORT = "relay.listener.port";
    public static final String HOST_NAME = "relay.listener.hostname";
    public static final String ALLOWED_NETWORKS = "relay.listener.allowed-networks";
    public static final String ALLOWED_SENDERS = "relay.listener.allowed-senders";
    public static final String MAX_MESSAGE_SIZE = "relay.listener.max-message-size";
    public static final String MAX_RECIPIENTS = "relay.intake.max-recipients";
    public static final String MAX_CONNECTIONS = "relay.listener.max-connections";
    public static final String MAX_CONNECTIONS_PER_CLIENT = "relay.listener.max-connections-per-client";
    public static final String COMMAND_TIMEOUT = "relay.listener.command-timeout";
    public static final String DATA_TIMEOUT = "relay.listener.data-timeout";
    public static final String TLS = "relay.listener.tls";
    public static final String TLS_CERTIFICATE = "relay.listener.tls.certificate";
    public static final String TLS_KEY = "relay.listener.tls.key";
    public static final String TLS_PROTOCOLS = "relay.listener.tls.protocols";
    public static final String AUTH = "relay.listener.auth";
    public static final String USERS = "relay.listener.users";
    public static final String MAX_LOGIN_FAILURES = "relay.listener.auth.max-failures";

    /** {@value #TLS}. */
    public enum Tls { NONE, STARTTLS, REQUIRED }

    /** {@value #AUTH}. */
    public enum Auth { NONE, OPTIONAL, REQUIRED }

    public static ListenerSettings from(RelaySettings settings) {
        ClientNetworks networks = ClientNetworks.parse(settings.get(RelayKeys.LISTENER_ALLOWED_NETWORKS));
        AllowedSenders senders = settings.optional(RelayKeys.LISTENER_ALLOWED_SENDERS).map(AllowedSenders::of)
                .orElseGet(() -> AllowedSenders.defaults(settings.aliasDomain(),
                        settings.optional(RelayKeys.USERS).orElse(null)));
        int maxSize = settings.optional(RelayKeys.LISTENER_MAX_MESSAGE_SIZE)
                .orElseGet(() -> (int) Math.min(Integer.MAX_VALUE - 1L, settings.get(RelayKeys.INTAKE_MAX_SIZE)));
        Tls tls = choice(settings, RelayKeys.LISTENER_TLS, Tls.class);
        Auth auth = choice(settings, RelayKeys.LISTENER_AUTH, Auth.class);
        Optional<Path> certificate = settings.optional(RelayKeys.LISTENER_TLS_CERTIFICATE);
        Optional<Path> key = settings.optional(RelayKeys.LISTENER_TLS_KEY);
        if (tls != Tls.NONE && (certificate.isEmpty() || key.isEmpty())) {
            throw new ConfigurationException(TLS + "=" + tls.name().toLowerCase(Locale.ROOT) + " needs a certificate and "
                    + "its key: set " + TLS_CERTIFICATE + " and " + TLS_KEY + " to PEM files");
        }
        if (auth != Auth.NONE && tls == Tls.NONE) {
            throw new ConfigurationException(AUTH + "=" + auth.name().toLowerCase(Locale.ROOT) + " needs TLS: passwords "
                    + "are only taken after STARTTLS. Set " + TLS + "=starttls or required, with a certificate");
        }
        return new ListenerSettings(settings.get(RelayKeys.LISTENER_ENABLED), settings.get(RelayKeys.LISTENER_HOST),
                settings.get(RelayKeys.LISTENER_PORT),
                settings.optional(RelayKeys.LISTENER_HOST_NAME).orElseGet(ListenerSettings::localName),
                networks, senders, maxSize, settings.get(RelayKeys.INTAKE_MAX_RECIPIENTS),
                settings.get(RelayKeys.LISTENER_MAX_CONNECTIONS), settings.get(RelayKeys.LISTENER_MAX_CONNECTIONS_PER_CLIENT),
                settings.get(RelayKeys.LISTENER_COMMAND_TIMEOUT), settings.get(RelayKeys.LISTENER_DATA_TIMEOUT), tls,
                certificate, key, settings.get(RelayKeys.LISTENER_TLS_PROTOCOLS), auth,
                settings.get(RelayKeys.LISTENER_USERS), settings.get(RelayKeys.LISTENER_MAX_LOGIN_FAILURES));
    }

    /** Where clients connect, for logs and status. */
    public String describe() {
        return host + ":" + port;
    }

    private static <E extends Enum<E>> E choice(RelaySettings settings, Key<String> key, Class<E> type) {
        String raw = settings.get(key);
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(raw)) {
                return value;
            }
        }
        throw new ConfigurationException(key + "=" + raw + " is not one of " + Arrays.stream(type.getEnumConstants())
                .map(v -> v.name().toLowerCase(Locale.ROOT)).toList());
    }

    private static String localName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
