package dev.oauthsmtprelay.credentials;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * How an Entra application proves itself at the token endpoint: exactly one of a client secret, a certificate
 * (a signed client assertion, RFC 7523) or a federated assertion file (workload identity federation).
 */
public sealed interface MicrosoftClientAuth {

    /** When the secret or certificate stops working; empty when not known. */
    Optional<Instant> expiresAt();

    /** What it is, for {@code token}, {@code check} and logs: never the secret or the key. */
    String describe();

    /** {@code client_secret}, with the optional {@code client_secret_expires} copied from the portal. */
    record ClientSecret(String value, LocalDate expires) implements MicrosoftClientAuth {
        @Override
        public Optional<Instant> expiresAt() {
            return Optional.ofNullable(expires).map(date -> date.atStartOfDay(ZoneOffset.UTC).toInstant());
        }

        @Override
        public String describe() {
            return "client secret" + (expires == null ? " (no client_secret_expires date given)"
                    : ", expires " + expires);
        }

        @Override
        public String toString() {
            return "ClientSecret[hidden" + (expires == null ? "" : ", expires " + expires) + "]";
        }
    }

    /** {@code client_certificate} and {@code private_key}: the token request carries a client assertion it signs. */
    record ClientCertificate(X509Certificate certificate, RSAPrivateKey key) implements MicrosoftClientAuth {
        @Override
        public Optional<Instant> expiresAt() {
            return Optional.of(certificate.getNotAfter().toInstant());
        }

        @Override
        public String describe() {
            return "certificate " + certificate.getSubjectX500Principal().getName() + ", valid until "
                    + certificate.getNotAfter().toInstant();
        }

        @Override
        public String toString() {
            return "ClientCertificate[" + describe() + ", key hidden]";
        }
    }

    /** {@code client_assertion_file}: a JWT another issuer keeps fresh (e.g. a Kubernetes token), read per request. */
    record FederatedAssertion(Path file) implements MicrosoftClientAuth {
        @Override
        public Optional<Instant> expiresAt() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "federated credential from " + file + " (read at every token request)";
        }
    }
}
