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

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 2525;
    public static final String DEFAULT_ALLOWED_NETWORKS = "127.0.0.0/8,::1/128";
    /** 35 MB, as relay.intake.max-size. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 35 * 1024 * 1024;
    public static final int DEFAULT_MAX_RECIPIENTS = 500;
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 20;
    /** RFC 5321 4.5.3.2: a server should wait at least 5 minutes for a command. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_DATA_TIMEOUT = Duration.ofMinutes(10);
    public static final String DEFAULT_TLS_PROTOCOLS = "TLSv1.3,TLSv1.2";
    public static final int DEFAULT_MAX_LOGIN_FAILURES = 3;

    /** {@value #TLS}. */
    public enum Tls { NONE, STARTTLS, REQUIRED }

    /** {@value #AUTH}. */
    public enum Auth { NONE, OPTIONAL, REQUIRED }

    public static ListenerSettings from(RelaySettings settings) {
        boolean enabled = settings.bool(ENABLED, false);
        String host = settings.value(HOST).orElse(DEFAULT_HOST);
        int port = number(settings, PORT, DEFAULT_PORT, 0, 65535);
        ClientNetworks networks = ClientNetworks.parse(settings.value(ALLOWED_NETWORKS).orElse(DEFAULT_ALLOWED_NETWORKS));
        AllowedSenders senders = settings.value(ALLOWED_SENDERS).map(AllowedSenders::of)
                .orElseGet(() -> AllowedSenders.defaults(settings.aliasDomain(),
                        settings.value("relay.users").map(Path::of).orElse(null)));
        int defaultSize = (int) Math.min(Integer.MAX_VALUE - 1L, settings.value("relay.intake.max-size")
                .map(Long::parseLong).orElse((long) DEFAULT_MAX_MESSAGE_SIZE));
        Tls tls = choice(settings, TLS, Tls.class, Tls.NONE);
        Auth auth = choice(settings, AUTH, Auth.class, Auth.NONE);
        Optional<Path> certificate = settings.value(TLS_CERTIFICATE).map(Path::of);
        Optional<Path> key = settings.value(TLS_KEY).map(Path::of);
        if (tls != Tls.NONE && (certificate.isEmpty() || key.isEmpty())) {
            throw new ConfigurationException(TLS + "=" + tls.name().toLowerCase(Locale.ROOT) + " needs a certificate and "
                    + "its key: set " + TLS_CERTIFICATE + " and " + TLS_KEY + " to PEM files");
        }
        if (auth != Auth.NONE && tls == Tls.NONE) {
            throw new ConfigurationException(AUTH + "=" + auth.name().toLowerCase(Locale.ROOT) + " needs TLS: passwords "
                    + "are only taken after STARTTLS. Set " + TLS + "=starttls or required, with a certificate");
        }
        List<String> protocols = Arrays.stream(settings.value(TLS_PROTOCOLS).orElse(DEFAULT_TLS_PROTOCOLS).split(","))
                .map(String::trim).filter(p -> !p.isEmpty()).toList();
        return new ListenerSettings(enabled, host, port, settings.value(HOST_NAME).orElseGet(ListenerSettings::localName),
                networks, senders, number(settings, MAX_MESSAGE_SIZE, defaultSize, 1, Integer.MAX_VALUE - 1),
                number(settings, MAX_RECIPIENTS, DEFAULT_MAX_RECIPIENTS, 1, Integer.MAX_VALUE),
                number(settings, MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS, 1, 100_000),
                number(settings, MAX_CONNECTIONS_PER_CLIENT, DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 1, 100_000),
                settings.duration(COMMAND_TIMEOUT, DEFAULT_COMMAND_TIMEOUT),
                settings.duration(DATA_TIMEOUT, DEFAULT_DATA_TIMEOUT), tls, certificate, key, protocols, auth,
                settings.value(USERS).map(Path::of).orElse(settings.dataDir().resolve("listener-users")),
                number(settings, MAX_LOGIN_FAILURES, DEFAULT_MAX_LOGIN_FAILURES, 1, 1000));
    }

    /** Where clients connect, for logs and status. */
    public String describe() {
        return host + ":" + port;
    }

    private static int number(RelaySettings settings, String key, int defaultValue, int min, int max) {
        Optional<String> raw = settings.value(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value >= min && value <= max) {
                return (int) value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(key + "=" + raw.get() + " is not a whole number from " + min + " to " + max);
    }

    private static <E extends Enum<E>> E choice(RelaySettings settings, String key, Class<E> type, E defaultValue) {
        Optional<String> raw = settings.value(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(raw.get())) {
                return value;
            }
        }
        throw new ConfigurationException(key + "=" + raw.get() + " is not one of " + Arrays.stream(type.getEnumConstants())
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
