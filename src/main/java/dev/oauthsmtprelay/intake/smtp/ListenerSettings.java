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
 * @param enabled                  {@link RelayKeys#LISTENER_ENABLED}, default false
 * @param host                     {@link RelayKeys#LISTENER_HOST}: the address to listen on, default 127.0.0.1
 * @param port                     {@link RelayKeys#LISTENER_PORT}: default 2525 (0: any free port, for tests)
 * @param hostName                 {@link RelayKeys#LISTENER_HOST_NAME}: the name in the greeting and the Received header
 * @param allowedNetworks          {@link RelayKeys#LISTENER_ALLOWED_NETWORKS}: clients allowed to connect, default loopback only
 * @param allowedSenders           {@link RelayKeys#LISTENER_ALLOWED_SENDERS}: MAIL FROM and From patterns
 * @param maxMessageSize           {@link RelayKeys#LISTENER_MAX_MESSAGE_SIZE}: bytes, advertised as SIZE, default relay.intake.max-size
 * @param maxRecipients            {@code relay.intake.max-recipients}: RCPT TO per message
 * @param maxConnections           {@link RelayKeys#LISTENER_MAX_CONNECTIONS}: open connections in total
 * @param maxConnectionsPerClient  {@link RelayKeys#LISTENER_MAX_CONNECTIONS_PER_CLIENT}: open connections per client address
 * @param commandTimeout           {@link RelayKeys#LISTENER_COMMAND_TIMEOUT}: the longest wait for one command line
 * @param dataTimeout              {@link RelayKeys#LISTENER_DATA_TIMEOUT}: the longest time for the whole DATA section
 * @param tls                      {@link RelayKeys#LISTENER_TLS}: none, starttls or required
 * @param certificate              {@link RelayKeys#LISTENER_TLS_CERTIFICATE}: PEM certificate chain
 * @param key                      {@link RelayKeys#LISTENER_TLS_KEY}: PEM PKCS#8 private key
 * @param tlsProtocols             {@link RelayKeys#LISTENER_TLS_PROTOCOLS}: default TLSv1.3,TLSv1.2
 * @param auth                     {@link RelayKeys#LISTENER_AUTH}: none, optional or required
 * @param usersFile                {@link RelayKeys#LISTENER_USERS}: the listener's users, salted PBKDF2 hashes
 * @param maxLoginFailures         {@link RelayKeys#LISTENER_MAX_LOGIN_FAILURES}: failed logins on one connection before it is closed
 */
public record ListenerSettings(boolean enabled, String host, int port, String hostName, ClientNetworks allowedNetworks,
                               AllowedSenders allowedSenders, int maxMessageSize, int maxRecipients,
                               int maxConnections, int maxConnectionsPerClient, Duration commandTimeout,
                               Duration dataTimeout, Tls tls, Optional<Path> certificate, Optional<Path> key,
                               List<String> tlsProtocols, Auth auth, Path usersFile, int maxLoginFailures) {


    /** {@link RelayKeys#LISTENER_TLS}. */
    public enum Tls { NONE, STARTTLS, REQUIRED }

    /** {@link RelayKeys#LISTENER_AUTH}. */
    public enum Auth { NONE, OPTIONAL, REQUIRED }

    public static ListenerSettings from(RelaySettings settings) {
        return from(settings, List.of(settings.aliasDomain()));
    }

    /** @param servedDomains the domains the accounts serve: the default allowed senders */
    public static ListenerSettings from(RelaySettings settings, List<String> servedDomains) {
        ClientNetworks networks = ClientNetworks.parse(settings.get(RelayKeys.LISTENER_ALLOWED_NETWORKS));
        AllowedSenders senders = settings.optional(RelayKeys.LISTENER_ALLOWED_SENDERS).map(AllowedSenders::of)
                .orElseGet(() -> AllowedSenders.defaults(servedDomains,
                        settings.optional(RelayKeys.USERS).orElse(null)));
        int maxSize = settings.optional(RelayKeys.LISTENER_MAX_MESSAGE_SIZE)
                .orElseGet(() -> (int) Math.min(Integer.MAX_VALUE - 1L, settings.get(RelayKeys.INTAKE_MAX_SIZE)));
        Tls tls = choice(settings, RelayKeys.LISTENER_TLS, Tls.class);
        Auth auth = choice(settings, RelayKeys.LISTENER_AUTH, Auth.class);
        Optional<Path> certificate = settings.optional(RelayKeys.LISTENER_TLS_CERTIFICATE);
        Optional<Path> key = settings.optional(RelayKeys.LISTENER_TLS_KEY);
        if (tls != Tls.NONE && (certificate.isEmpty() || key.isEmpty())) {
            throw new ConfigurationException(RelayKeys.LISTENER_TLS + "=" + tls.name().toLowerCase(Locale.ROOT) + " needs a certificate and "
                    + "its key: set " + RelayKeys.LISTENER_TLS_CERTIFICATE + " and " + RelayKeys.LISTENER_TLS_KEY + " to PEM files");
        }
        if (auth != Auth.NONE && tls == Tls.NONE) {
            throw new ConfigurationException(RelayKeys.LISTENER_AUTH + "=" + auth.name().toLowerCase(Locale.ROOT) + " needs TLS: passwords "
                    + "are only taken after STARTTLS. Set " + RelayKeys.LISTENER_TLS + "=starttls or required, with a certificate");
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
