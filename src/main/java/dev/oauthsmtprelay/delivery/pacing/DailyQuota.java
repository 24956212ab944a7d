package dev.oauthsmtprelay.delivery.pacing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.smtp.SendingLimitReplies;
import dev.oauthsmtprelay.message.DeliveryAttempt;

/**
 * Messages and recipients each mailbox sent in the last 24 hours, against the provider's daily limits. Every
 * delivery is appended to {@code <dir>/<mailbox>.log}, so a restart keeps the count; the file is rewritten without
 * the expired lines when it is read at start. Appends are not synced: a crash may forget the last few deliveries,
 * and the provider's own quota reply still holds the mail then.
 */
public final class DailyQuota {

    public static final String BEAN = "relayDailyQuota";

    static final Duration WINDOW = Duration.ofHours(24);
    private static final Logger LOG = LoggerFactory.getLogger(DailyQuota.class);

    /** One delivery: when, and to how many recipients. */
    record Sent(Instant at, int recipients) {
    }

    /**
     * What a mailbox used in the window, against its limits (0 = no limit), how many of its messages wait for the
     * window to free, and when the last of them may go (null when none waits).
     */
    public record Usage(String mailbox, int messages, int messageLimit, int recipients, int recipientLimit,
                        int waiting, Instant lastWaiterAt) {
    }

    private final MailboxLimit messagesPerDay;
    private final int recipientsPerDay;
    private final Path dir;
    private final Clock clock;
    private final Map<String, Deque<Sent>> sentByMailbox = new HashMap<>();
    private final Set<String> warned = new HashSet<>();
    private final Set<String> exhausted = new HashSet<>();
    /** The times the messages told to wait for the window will be back, per mailbox, in order. */
    private final Map<String, Deque<Instant>> waiting = new HashMap<>();
    private Consumer<String> mailboxSeen = mailbox -> { };

    public DailyQuota(int messagesPerDay, int recipientsPerDay, Path dir, Clock clock) {
        this(MailboxLimit.everywhere(messagesPerDay), recipientsPerDay, dir, clock);
    }

    /** @param messagesPerDay each mailbox's messages in 24 h (0 = none); the recipients' limit is one for all */
    public DailyQuota(MailboxLimit messagesPerDay, int recipientsPerDay, Path dir, Clock clock) {
        this.messagesPerDay = messagesPerDay;
        this.recipientsPerDay = recipientsPerDay;
        this.dir = dir;
        this.clock = clock;
        load();
    }

    public boolean limited() {
        return messagesPerDay.any() || recipientsPerDay > 0;
    }

    /**
     * When the mailbox may send a message to {@code recipients} more: now, or when enough of the window frees.
     * Messages told to wait are spread over the sends that will leave the window, one each in order, so that a
     * backlog does not wake all at once only to wait again.
     *
     * @param waited the message was told to wait before and is back at its time
     */
    public synchronized Instant availableAt(String mailbox, int recipients, boolean waited) {
        Instant now = clock.instant();
        Deque<Sent> sent = prune(mailbox, now);
        Deque<Instant> waiters = waiting.computeIfAbsent(mailbox, m -> new ArrayDeque<>());
        // a waiter that has not come back a minute after its time was deleted or lost; it holds nothing up
        waiters.removeIf(time -> time.isBefore(now.minus(Duration.ofMinutes(1))));
        if (waited && !waiters.isEmpty() && !waiters.peekFirst().isAfter(now)) {
            waiters.removeFirst(); // its own place in the line
        }
        int messages = sent.size();
        int messagesPerDay = this.messagesPerDay.of(mailbox);
        int total = sent.stream().mapToInt(Sent::recipients).sum();
        Instant free = now;
        // a new message queues up behind every waiter; one that is back goes before those due later
        int skip = waited ? (int) waiters.stream().filter(time -> !time.isAfter(now)).count() : waiters.size();
        for (Sent oldest : sent) {
            boolean fits = (messagesPerDay == 0 || messages < messagesPerDay)
                    && (recipientsPerDay == 0 || total + recipients <= recipientsPerDay);
            if (fits && skip <= 0) {
                break;
            }
            if (fits) {
                skip--;
            }
            messages--;
            total -= oldest.recipients();
            free = oldest.at().plus(WINDOW);
        }
        if (free.isAfter(now)) {
            waiters.addLast(free);
            if (exhausted.add(mailbox)) {
                LOG.warn("{} has used its daily sending limit ({}); its mail waits in the queue until {}, "
                        + "not dead-lettered", mailbox, describe(usage(mailbox)), free);
            }
        } else {
            exhausted.remove(mailbox);
        }
        return free;
    }

    /** The delivery route's step after a delivery: counts the recipients the hub accepted for the mailbox. */
    public void delivered(Exchange exchange) {
        String mailbox = exchange.getProperty(DeliveryAttempt.MAILBOX, String.class);
        Integer accepted = exchange.getProperty(DeliveryAttempt.ACCEPTED, Integer.class);
        if (limited() && mailbox != null && accepted != null && accepted > 0) {
            sent(mailbox.toLowerCase(Locale.ROOT), accepted);
        }
    }

    /**
     * The delivery-errors route's step after a retry: when the hub said the mailbox has used its daily limit, the
     * count is corrected to the limit, so that the mailbox's mail waits in the queue instead of being tried again
     * and again (the provider counts sends this relay does not see, such as those of other programs).
     */
    public void refused(Exchange exchange) {
        String mailbox = exchange.getProperty(DeliveryAttempt.MAILBOX, String.class);
        if (limited() && mailbox != null
                && SendingLimitReplies.dailyLimit(exchange.getProperty(DeliveryAttempt.HUB_REPLY, String.class))) {
            usedUp(mailbox.toLowerCase(Locale.ROOT));
        }
    }

    /** Fills what is left of the mailbox's limits with one send now. */
    synchronized void usedUp(String mailbox) {
        Usage usage = usage(mailbox);
        int messages = usage.messageLimit() == 0 ? 0 : Math.max(0, usage.messageLimit() - usage.messages());
        int recipients = recipientsPerDay == 0 ? 0 : Math.max(0, recipientsPerDay - usage.recipients());
        if (messages == 0 && recipients == 0) {
            return;
        }
        Instant now = clock.instant();
        Deque<Sent> sent = prune(mailbox, now);
        // one entry counts as one message; more messages to fill become entries without recipients
        sent.addLast(new Sent(now, recipients));
        append(mailbox, now, recipients);
        for (int i = 1; i < messages; i++) {
            sent.addLast(new Sent(now, 0));
            append(mailbox, now, 0);
        }
        LOG.warn("The hub says {} has used its daily sending limit: the relay's count is set to the limit ({}), "
                + "so its mail waits in the queue until the window frees", mailbox, describe(usage(mailbox)));
    }

    /** After a delivery that the hub accepted for {@code recipients}. */
    public synchronized void sent(String mailbox, int recipients) {
        Instant now = clock.instant();
        prune(mailbox, now).addLast(new Sent(now, recipients));
        append(mailbox, now, recipients);
        Usage usage = usage(mailbox);
        boolean high = (usage.messageLimit() > 0 && usage.messages() * 5 >= usage.messageLimit() * 4)
                || (usage.recipientLimit() > 0 && usage.recipients() * 5 >= usage.recipientLimit() * 4);
        if (high && warned.add(mailbox)) {
            LOG.warn("{} has used 80 % of its daily sending limit: {}", mailbox, describe(usage));
        } else if (!high) {
            warned.remove(mailbox);
        }
    }

    public synchronized Usage usage(String mailbox) {
        Instant now = clock.instant();
        Deque<Sent> sent = prune(mailbox, now);
        Deque<Instant> waiters = waiting.getOrDefault(mailbox, new ArrayDeque<>());
        waiters.removeIf(time -> time.isBefore(now.minus(Duration.ofMinutes(1))));
        return new Usage(mailbox, sent.size(), messagesPerDay.of(mailbox),
                sent.stream().mapToInt(Sent::recipients).sum(),
                recipientsPerDay, waiters.size(), waiters.isEmpty() ? null : waiters.peekLast());
    }

    /** When the first of the mailbox's messages that wait for the window may go; empty when none waits. */
    public synchronized Optional<Instant> freesAt(String mailbox) {
        Instant now = clock.instant();
        Deque<Instant> waiters = waiting.getOrDefault(mailbox, new ArrayDeque<>());
        return waiters.stream().filter(time -> time.isAfter(now)).findFirst();
    }

    /** Told of every mailbox counted, those already on disk at once: the metrics register its gauges. */
    public synchronized void onMailbox(Consumer<String> listener) {
        this.mailboxSeen = listener;
        sentByMailbox.keySet().stream().sorted().forEach(listener);
    }

    public synchronized List<Usage> usages() {
        return sentByMailbox.keySet().stream().sorted().map(this::usage).toList();
    }

    private Deque<Sent> prune(String mailbox, Instant now) {
        Deque<Sent> sent = sentByMailbox.get(mailbox);
        if (sent == null) {
            sent = new ArrayDeque<>();
            sentByMailbox.put(mailbox, sent);
            mailboxSeen.accept(mailbox);
        }
        while (!sent.isEmpty() && !sent.peekFirst().at().isAfter(now.minus(WINDOW))) {
            sent.removeFirst();
        }
        return sent;
    }

    private static String describe(Usage usage) {
        return usage.messages() + (usage.messageLimit() > 0 ? " of " + usage.messageLimit() : "") + " messages and "
                + usage.recipients() + (usage.recipientLimit() > 0 ? " of " + usage.recipientLimit() : "")
                + " recipients in 24 h (relay.quota.messages-per-day, relay.quota.recipients-per-day)";
    }

    private Path file(String mailbox) {
        return dir.resolve(mailbox.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9@._-]", "_") + ".log");
    }

    private void append(String mailbox, Instant at, int recipients) {
        try {
            Files.createDirectories(dir);
            Files.writeString(file(mailbox), at.toEpochMilli() + " " + recipients + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("Could not record a delivery of {} in {} ({}); the daily count forgets it after a restart",
                    mailbox, dir, e.getMessage());
        }
    }

    private void load() {
        if (!limited() || !Files.isDirectory(dir)) {
            return;
        }
        Instant since = clock.instant().minus(WINDOW);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                String name = file.getFileName().toString();
                String mailbox = name.substring(0, name.length() - ".log".length());
                Deque<Sent> sent = new ArrayDeque<>();
                StringBuilder kept = new StringBuilder();
                for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length != 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
                        continue;
                    }
                    Instant at = Instant.ofEpochMilli(Long.parseLong(parts[0]));
                    if (at.isAfter(since)) {
                        sent.addLast(new Sent(at, Integer.parseInt(parts[1])));
                        kept.append(line.trim()).append('\n');
                    }
                }
                sentByMailbox.put(mailbox, sent);
                Files.writeString(file, kept, StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            LOG.warn("Could not read the daily sending counts in {} ({}); counting starts from nothing", dir,
                    e.getMessage());
        }
    }
}
