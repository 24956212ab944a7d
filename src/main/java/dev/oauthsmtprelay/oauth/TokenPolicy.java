package dev.oauthsmtprelay.oauth;

import java.time.Duration;

/**
 * How the token cache behaves.
 *
 * @param refreshAhead   a cached token is renewed when it expires within this time
 * @param minimumValidity a token closer than this to its expiry is never handed out
 * @param backoffInitial wait after the first failed request before the next one
 * @param backoffMax     the longest wait; the wait doubles per consecutive failure up to this
 */
public record TokenPolicy(Duration refreshAhead, Duration minimumValidity, Duration backoffInitial, Duration backoffMax) {

    public static TokenPolicy defaults() {
        return new TokenPolicy(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    Duration backoffAfter(int consecutiveFailures) {
        Duration wait = backoffInitial;
        for (int i = 1; i < consecutiveFailures && wait.compareTo(backoffMax) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
    }
}
