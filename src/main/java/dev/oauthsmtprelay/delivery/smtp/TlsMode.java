package dev.oauthsmtprelay.delivery.smtp;

import java.util.Locale;

import dev.oauthsmtprelay.config.ConfigurationException;

/** {@code relay.smtp.tls}: how the connection to the hub is protected. Plain text is not an option. */
public enum TlsMode {
    /** Connect in clear, require STARTTLS before anything else (port 587). */
    STARTTLS,
    /** TLS from the first byte (port 465). */
    IMPLICIT;

    public static TlsMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("relay.smtp.tls is '" + value + "'. Use starttls (port 587) or implicit "
                    + "(port 465); sending without TLS is not supported.");
        }
    }

    public int defaultPort() {
        return this == STARTTLS ? 587 : 465;
    }
}
