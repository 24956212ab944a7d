package dev.oauthsmtprelay.delivery.smtp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.AccountHub;

/** Where and how the relay talks to the provider's SMTP hub. */
public record SmtpSettings(String host, int port, TlsMode tls, Optional<Path> trustStore, Duration connectTimeout,
                           Duration readTimeout, boolean pipelining) {

    /** @param defaultHost the hub when {@code relay.smtp.host} is not set: the provider's, from the credentials */
    public static SmtpSettings from(RelaySettings settings, String defaultHost) {
        TlsMode tls = TlsMode.parse(settings.get(RelayKeys.SMTP_TLS));
        String host = settings.optional(RelayKeys.SMTP_HOST).orElse(defaultHost);
        int port = settings.optional(RelayKeys.SMTP_PORT).orElse(tls.defaultPort());
        return new SmtpSettings(host, port, tls, settings.optional(RelayKeys.SMTP_TRUST_STORE),
                settings.get(RelayKeys.SMTP_CONNECT_TIMEOUT), settings.get(RelayKeys.SMTP_TIMEOUT),
                settings.get(RelayKeys.SMTP_PIPELINING));
    }

    /**
     * The hub of one account: each field the credentials file names ({@code smtp_host}, {@code smtp_port},
     * {@code smtp_tls}), else {@code relay.smtp.*}, else the provider's hub ({@code defaultHost}) with STARTTLS.
     * A file that names its host or TLS mode but no port gets that mode's port, not {@code relay.smtp.port}.
     */
    public static SmtpSettings forAccount(RelaySettings settings, String defaultHost, AccountHub hub) {
        TlsMode tls = hub.tls().map(TlsMode::parse).orElseGet(() -> TlsMode.parse(settings.get(RelayKeys.SMTP_TLS)));
        String host = hub.host().orElseGet(() -> settings.optional(RelayKeys.SMTP_HOST).orElse(defaultHost));
        int port = hub.port().orElseGet(() -> hub.host().isPresent() || hub.tls().isPresent() ? tls.defaultPort()
                : settings.optional(RelayKeys.SMTP_PORT).orElse(tls.defaultPort()));
        return new SmtpSettings(host, port, tls, settings.optional(RelayKeys.SMTP_TRUST_STORE),
                settings.get(RelayKeys.SMTP_CONNECT_TIMEOUT), settings.get(RelayKeys.SMTP_TIMEOUT),
                settings.get(RelayKeys.SMTP_PIPELINING));
    }

    public String describe() {
        return host + ":" + port + " (" + (tls == TlsMode.STARTTLS ? "STARTTLS required" : "implicit TLS") + ")";
    }
}
