package dev.oauthsmtprelay.delivery.smtp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelaySettings;

/** Where and how the relay talks to the provider's SMTP hub. */
public record SmtpSettings(String host, int port, TlsMode tls, Optional<Path> trustStore, Duration connectTimeout,
                           Duration readTimeout) {

    public static SmtpSettings from(RelaySettings settings, String defaultHost) {
        TlsMode tls = TlsMode.parse(settings.value("relay.smtp.tls").orElse("starttls"));
        String host = settings.value("relay.smtp.host").orElse(defaultHost);
        int port = settings.value("relay.smtp.port").map(SmtpSettings::port).orElse(tls.defaultPort());
        return new SmtpSettings(host, port, tls, settings.value("relay.smtp.trust-store").map(Path::of),
                settings.duration("relay.smtp.connect-timeout", Duration.ofSeconds(30)),
                settings.duration("relay.smtp.timeout", Duration.ofSeconds(60)));
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException("relay.smtp.port is '" + value + "'. Use the hub's submission port: 587 "
                + "with relay.smtp.tls=starttls, 465 with implicit.");
    }

    public String describe() {
        return host + ":" + port + " (" + (tls == TlsMode.STARTTLS ? "STARTTLS required" : "implicit TLS") + ")";
    }
}
