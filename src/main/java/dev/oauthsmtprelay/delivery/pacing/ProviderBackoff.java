package dev.oauthsmtprelay.delivery.pacing;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mailboxes the provider asked to wait ({@code Retry-After} on a Graph 429 or 503), and until when. Until then
 * {@link MailboxPacing} schedules their mail for that time: it waits in the queue, costs no attempt, and other
 * mailboxes' mail goes on.
 */
public final class ProviderBackoff {

    private final Map<String, Instant> until = new ConcurrentHashMap<>();
    private final Clock clock;

    public ProviderBackoff(Clock clock) {
        this.clock = clock;
    }

    public void waitUntil(String mailbox, Instant time) {
        until.merge(mailbox.toLowerCase(Locale.ROOT), time, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** When the mailbox may send again, if the provider asked it to wait and that time has not come. */
    public Optional<Instant> waiting(String mailbox) {
        String key = mailbox.toLowerCase(Locale.ROOT);
        Instant time = until.get(key);
        if (time == null) {
            return Optional.empty();
        }
        if (!time.isAfter(clock.instant())) {
            until.remove(key, time);
            return Optional.empty();
        }
        return Optional.of(time);
    }
}
