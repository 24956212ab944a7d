package dev.oauthsmtprelay.message;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** Ids for queued messages and dead letters: sortable by time, safe as file names. */
public final class RelayIds {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private RelayIds() {
    }

    public static String next(Clock clock) {
        return STAMP.format(clock.instant()) + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    }
}
