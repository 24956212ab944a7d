package dev.oauthsmtprelay.ops.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.ProviderCredentials;

/**
 * Warns once a day, during the last 30 days, that the Microsoft application's secret or certificate runs out (and
 * every day after it has), and tells metrics and status how long it has left.
 */
public final class CredentialExpiryWatch {

    public static final String BEAN = "relayCredentialExpiry";
    static final Duration WARNING = Duration.ofDays(30);
    private static final Logger LOG = LoggerFactory.getLogger(CredentialExpiryWatch.class);

    private final Optional<Instant> expires;
    private final String what;
    private final Clock clock;

    public CredentialExpiryWatch(ProviderCredentials credentials, Clock clock) {
        MicrosoftApp app = credentials instanceof MicrosoftApp microsoft ? microsoft : null;
        this.expires = app == null ? Optional.empty() : app.clientAuth().expiresAt();
        this.what = app == null ? "" : "the " + app.clientAuth().describe() + " of Entra app " + app.clientId();
        this.clock = clock;
    }

    /** Whether an expiry date is known: the daily route runs only then. */
    public boolean dated() {
        return expires.isPresent();
    }

    public Optional<Instant> expiresAt() {
        return expires;
    }

    /** Seconds until expiry (negative once passed); NaN when no date is known. */
    public double secondsLeft() {
        return expires.map(at -> (double) Duration.between(clock.instant(), at).toSeconds()).orElse(Double.NaN);
    }

    /** The daily job (and the start): one warning line when expiry is 30 days away or less. */
    public void warnIfDue() {
        if (expires.isEmpty()) {
            return;
        }
        Duration left = Duration.between(clock.instant(), expires.get());
        if (left.isNegative()) {
            LOG.error("{} expired on {}: Entra refuses every token, so no mail is delivered. Create a new one and "
                    + "restart the relay (docs/setup-microsoft.md)", what, expires.get());
        } else if (left.compareTo(WARNING) <= 0) {
            LOG.warn("{} expires on {}, in {} day(s): create the next one and put it into the credentials file before "
                    + "then (docs/setup-microsoft.md)", what, expires.get(), left.toDays());
        }
    }
}
