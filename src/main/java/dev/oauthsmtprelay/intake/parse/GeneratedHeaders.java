package dev.oauthsmtprelay.intake.parse;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/** Values for the Message-ID and Date headers the relay adds when a producer left them out. */
final class GeneratedHeaders {

    // RFC 5322 date-time with a numeric zone (RFC_1123_DATE_TIME would write the obsolete "GMT").
    private static final DateTimeFormatter RFC_5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private final String domain;
    private final Clock clock;

    GeneratedHeaders(String aliasDomain, Clock clock) {
        this.domain = aliasDomain == null || aliasDomain.isBlank() ? "localhost" : aliasDomain.trim().toLowerCase(Locale.ROOT);
        this.clock = clock;
    }

    String messageId() {
        return "<" + UUID.randomUUID() + "@" + domain + ">";
    }

    String date() {
        return RFC_5322_DATE.format(ZonedDateTime.now(clock));
    }
}
