package dev.oauthsmtprelay.delivery.pacing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * At most {@code limit} sends per mailbox in any {@code window}, handed out as times: a send that fits goes now, the
 * next one gets the first time at which it fits. Each answer is a reservation, so a backlog spreads over the minutes
 * ahead instead of waking all at once; the message that comes back at its reserved time claims it.
 */
public final class SendingSlots {

    private final MailboxLimit limit;
    private final Duration window;
    private final Clock clock;
    private final Map<String, List<Instant>> slotsByMailbox = new HashMap<>();
    private Consumer<String> mailboxSeen = mailbox -> { };

    public SendingSlots(int limit, Duration window, Clock clock) {
        this(MailboxLimit.everywhere(limit), window, clock);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
    }

    /** @param limit sends per window for each mailbox; a mailbox whose limit is 0 always goes now */
    public SendingSlots(MailboxLimit limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
    }

    /**
     * When this mailbox may send the message.
     *
     * @param reserved the slot the message was given before (it waited for it), or null
     * @return now or earlier when it may go now; otherwise the reserved time to wait for
     */
    public synchronized Instant next(String mailbox, Instant reserved) {
        Instant now = clock.instant();
        int limit = this.limit.of(mailbox);
        if (limit < 1) {
            return now;
        }
        List<Instant> slots = slotsByMailbox.get(mailbox);
        if (slots == null) {
            slots = new ArrayList<>();
            slotsByMailbox.put(mailbox, slots);
            mailboxSeen.accept(mailbox);
        }
        // sorted: the slots that left the window are a prefix, so a backlog of 50,000 is not scanned on every call
        Instant cutoff = now.minus(window);
        int expired = 0;
        while (expired < slots.size() && !slots.get(expired).isAfter(cutoff)) {
            expired++;
        }
        if (expired > 0) {
            slots.subList(0, expired).clear();
        }
        if (reserved != null && !reserved.isAfter(now) && Collections.binarySearch(slots, reserved) >= 0) {
            return reserved; // its own reservation, made when it was told to wait
        }
        // Sorted slots: a window that holds the new one starts after slots[n - limit], so it holds at most limit.
        int n = slots.size();
        Instant slot = n < limit ? now : later(now, slots.get(n - limit).plus(window));
        insertSorted(slots, slot);
        return slot;
    }

    /** The last reserved slot of the mailbox, when it lies ahead: by then its paced backlog has gone out. */
    public synchronized Optional<Instant> lastSlot(String mailbox) {
        List<Instant> slots = slotsByMailbox.get(mailbox);
        if (slots == null || slots.isEmpty()) {
            return Optional.empty();
        }
        Instant last = slots.get(slots.size() - 1);
        return last.isAfter(clock.instant()) ? Optional.of(last) : Optional.empty();
    }

    /** How many of the mailbox's messages hold a sending slot still ahead: they wait in the queue for it. */
    public synchronized int waiting(String mailbox) {
        List<Instant> slots = slotsByMailbox.get(mailbox);
        if (slots == null) {
            return 0;
        }
        Instant now = clock.instant();
        int ahead = 0;
        for (int i = slots.size() - 1; i >= 0 && slots.get(i).isAfter(now); i--) {
            ahead++;
        }
        return ahead;
    }

    /** Told of every mailbox the first time it sends: the metrics register its gauges. */
    public synchronized void onMailbox(Consumer<String> listener) {
        this.mailboxSeen = listener;
        slotsByMailbox.keySet().stream().sorted().forEach(listener);
    }

    /** The mailboxes that have sent or reserved in the last window. */
    public synchronized Set<String> mailboxes() {
        return new TreeSet<>(slotsByMailbox.keySet());
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A new slot is nearly always the latest: looking from the end keeps a long backlog cheap. */
    private static void insertSorted(List<Instant> slots, Instant slot) {
        int at = slots.size();
        while (at > 0 && slots.get(at - 1).isAfter(slot)) {
            at--;
        }
        slots.add(at, slot);
    }
}
