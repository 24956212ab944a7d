package dev.oauthsmtprelay.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;

/**
 * The log of one lasting condition (a read-only spool, a full data directory, an intake that waits): one warning
 * when it starts, a reminder at most once per interval while it lasts, and one info line when it ends. A condition
 * that shows on every file, message and poll would otherwise write hundreds of lines a minute.
 */
public final class ConditionReport {

    private final Logger log;
    private final Duration reminderInterval;
    private final Clock clock;
    private String active;
    private Instant lastWarning;
    private long repeats;

    public ConditionReport(Logger log, Duration reminderInterval, Clock clock) {
        this.log = log;
        this.reminderInterval = reminderInterval;
        this.clock = clock;
    }

    /**
     * @param condition what is wrong, short and stable (for example "read-only"); a different value starts a new
     *                  condition and is logged at once
     * @param warning   the full line: what, where, the cause and the fix
     */
    public synchronized void report(String condition, String warning) {
        Instant now = clock.instant();
        if (!condition.equals(active)) {
            active = condition;
            lastWarning = now;
            repeats = 0;
            log.warn(warning);
        } else if (!now.isBefore(lastWarning.plus(reminderInterval))) {
            log.warn("{} (still so; it showed {} more time(s) since the last warning)", warning, repeats);
            lastWarning = now;
            repeats = 0;
        } else {
            repeats++;
        }
    }

    /** Logs {@code info} once if a condition was active, and ends it. */
    public synchronized void clear(String info) {
        if (active != null) {
            active = null;
            log.info(info);
        }
    }

    public synchronized boolean active() {
        return active != null;
    }
}
