package dev.oauthsmtprelay.ops.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.ProviderCredentials;

/**
 * Warns once a day, during the last 30 days, that a Microsoft application's secret or certificate runs out (and
 * every day after it has), and tells metrics and status how long the first of them has left.
 */
public final class CredentialExpiryWatch {

    public static final String BEAN = "relayCredentialExpiry";
    static final Duration WARNING = Duration.ofDays(30);
    private static final Logger LOG = LoggerFactory.getLogger(CredentialExpiryWatch.class);

    private record Dated(Instant expires, String what) {
    }

    private final List<Dated> dated;
    private final Optional<Instant> expires;
    private final Clock clock;

    public CredentialExpiryWatch(ProviderCredentials credentials, Clock clock) {
        this(List.of(credentials), clock);
    }

    /** For several accounts: each dated secret or certificate is warned about; status and metrics show the first. */
    public CredentialExpiryWatch(List<ProviderCredentials> accounts, Clock clock) {
        List<Dated> found = new ArrayList<>();
        for (ProviderCredentials credentials : accounts) {
            if (credentials instanceof MicrosoftApp app && app.clientAuth().expiresAt().isPresent()) {
                found.add(new Dated(app.clientAuth().expiresAt().get(), "the " + app.clientAuth().describe()
                        + " of Entra app " + app.clientId() + (accounts.size() > 1 ? " (" + app.source() + ")" : "")));
            }
        }
        found.sort(Comparator.comparing(Dated::expires));
        this.dated = List.copyOf(found);
        this.expires = dated.stream().findFirst().map(Dated::expires);
        this.clock = clock;
    }

    /** Whether an expiry date is known: the daily route runs only then. */
    public boolean dated() {
        return expires.isPresent();
    }

    /** The first expiry among the accounts. */
    public Optional<Instant> expiresAt() {
        return expires;
    }

    /** Seconds until expiry (negative once passed); NaN when no date is known. */
    public double secondsLeft() {
        return expires.map(at -> (double) Duration.between(clock.instant(), at).toSeconds()).orElse(Double.NaN);
    }

    /** The daily job (and the start): one warning line when expiry is 30 days away or less. */
    public void warnIfDue() {
        for (Dated credential : dated) {
            Duration left = Duration.between(clock.instant(), credential.expires());
            if (left.isNegative()) {
                LOG.error("{} expired on {}: Entra refuses every token, so no mail is delivered. Create a new one and "
                        + "restart the relay (docs/setup-microsoft.md)", credential.what(), credential.expires());
            } else if (left.compareTo(WARNING) <= 0) {
                LOG.warn("{} expires on {}, in {} day(s): create the next one and put it into the credentials file "
                        + "before then (docs/setup-microsoft.md)", credential.what(), credential.expires(),
                        left.toDays());
            }
        }
    }
}
