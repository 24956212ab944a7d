package dev.oauthsmtprelay.credentials;

import java.util.Optional;

/**
 * The hub a credentials file names ({@code smtp_host}, {@code smtp_port}, {@code smtp_tls}); each field left out
 * falls back to {@code relay.smtp.*}, then to the provider's hub.
 *
 * @param tls {@code starttls} or {@code implicit}, lower case
 */
public record AccountHub(Optional<String> host, Optional<Integer> port, Optional<String> tls) {

    public static AccountHub none() {
        return new AccountHub(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
