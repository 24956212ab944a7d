package dev.oauthsmtprelay.ops.queue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.DeliveryHistory;
import dev.oauthsmtprelay.message.MimeHeaderSection;
import dev.oauthsmtprelay.message.QueuedMessage;
import dev.oauthsmtprelay.queue.QueueAdmin;

/**
 * What an operator can see and do with the queued mail, for the {@code queue} commands' endpoint and the status
 * page alike: entries with id, state, sender, recipients and age; hold, release, delete and retry-now.
 */
public final class QueueActions {

    private static final Logger LOG = LoggerFactory.getLogger(QueueActions.class);
    /** Long enough for a failing attempt to return its message, short of the CLI's 30 s request timeout. */
    static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(10);
    private static final Duration IN_FLIGHT_POLL = Duration.ofMillis(100);
    private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([smhd])");

    private final QueueAdmin admin;
    private final DeliveryHistory history;
    private final Clock clock;

    public QueueActions(QueueAdmin admin, DeliveryHistory history, Clock clock) {
        this.admin = admin;
        this.history = history;
        this.clock = clock;
    }

    /**
     * Queued and held messages; each filter may be null: one envelope sender, one recipient, a text in the Subject
     * (ignoring case), or queued longer ago than an age such as {@code 1h}.
     */
    public List<Map<String, Object>> list(String sender, String recipient, String subject, String olderThanText)
            throws Exception {
        Duration olderThan = olderThanText == null || olderThanText.isBlank() ? Duration.ZERO : age(olderThanText);
        Instant now = clock.instant();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Map<String, Object> row : rows()) {
            Map<String, Object> entry = entry(row, now);
            if (sender != null && !sender.isBlank() && !sender.equalsIgnoreCase(String.valueOf(entry.get("sender")))) {
                continue;
            }
            if (recipient != null && !recipient.isBlank() && ((List<?>) entry.get("recipients")).stream()
                    .noneMatch(r -> recipient.equalsIgnoreCase(String.valueOf(r)))) {
                continue;
            }
            if (subject != null && !subject.isBlank() && !String.valueOf(entry.get("subject")).toLowerCase(Locale.ROOT)
                    .contains(subject.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (((Number) entry.get("ageSeconds")).longValue() < olderThan.toSeconds()) {
                continue;
            }
            entries.add(entry);
        }
        return entries;
    }

    /** One message with the properties it travels with, or null. */
    public Map<String, Object> show(String relayId) throws Exception {
        for (Map<String, Object> row : rows()) {
            if (relayId.equals(row.get(QueuedMessage.RELAY_ID))) {
                Map<String, Object> entry = entry(row, clock.instant());
                Map<String, Object> properties = new LinkedHashMap<>();
                row.forEach((name, value) -> {
                    if (name.startsWith(QueuedMessage.PREFIX)) {
                        properties.put(name, value);
                    }
                });
                entry.put("properties", properties);
                String queue = "held".equals(row.get("state")) ? admin.holdQueue() : admin.deliveryQueue();
                entry.put("headers", admin.body(queue, relayId).map(body -> MimeHeaderSection.read(body).text())
                        .orElse(null));
                return entry;
            }
        }
        return null;
    }

    private List<Map<String, Object>> rows() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>(admin.list(admin.deliveryQueue()));
        for (Map<String, Object> held : admin.list(admin.holdQueue())) {
            held.put("state", "held");
            rows.add(held);
        }
        return rows;
    }

    /**
     * hold, release, delete or retry-now on the selection; logged with the operator. A matching message that is
     * in a delivery attempt cannot be moved or removed; hold and delete wait up to {@link #IN_FLIGHT_WAIT} for it to
     * come back from that attempt (when the attempt succeeds, it is delivered and gone), and report what is still
     * in an attempt after that.
     */
    public Map<String, Object> act(String action, QueueSelection selection, String operator) throws Exception {
        String filter = selection.filter();
        String delivery = admin.deliveryQueue();
        int count = switch (action) {
            case "hold" -> includingInFlight(() -> admin.move(delivery, filter, admin.holdQueue()), filter);
            case "release" -> admin.move(admin.holdQueue(), filter, delivery);
            case "delete" -> includingInFlight(() -> admin.remove(delivery, filter), filter)
                    + admin.remove(admin.holdQueue(), filter);
            // Moving out and back drops the redelivery delay: the message is ready at once.
            case "retry-now" -> {
                int moved = admin.move(admin.deliveryQueue(), selection.filter(), admin.holdQueue());
                admin.move(admin.holdQueue(), selection.filter(), admin.deliveryQueue());
                yield moved;
            }
            default -> throw new IllegalArgumentException("unknown action '" + action + "': hold, release, delete or "
                    + "retry-now");
        };
        if (action.equals("delete")) {
            LOG.warn("queue delete by {}: {} message(s) removed for good ({})", operator, count, selection.description());
        } else {
            LOG.info("queue {} by {}: {} message(s) ({})", action, operator, count, selection.description());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("action", action);
        result.put("selection", selection.description());
        result.put("count", count);
        long inFlight = action.equals("hold") || action.equals("delete") ? admin.delivering(delivery, filter) : 0;
        if (inFlight > 0) {
            result.put("inDelivery", inFlight);
        }
        return result;
    }

    /**
     * Runs the move or removal again as messages in a delivery attempt come back to the queue, for a while. An attempt
     * that ends puts its message back (rolled back, or re-queued as a new message for later) before it lets go of it,
     * so one more pass after the last attempt was seen to end takes what it put back.
     */
    private int includingInFlight(QueueChange change, String filter) throws Exception {
        int count = change.apply();
        long deadline = System.nanoTime() + IN_FLIGHT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean inFlight = admin.delivering(admin.deliveryQueue(), filter) > 0;
            count += change.apply();
            if (!inFlight) {
                break;
            }
            Thread.sleep(IN_FLIGHT_POLL.toMillis());
        }
        return count;
    }

    @FunctionalInterface
    private interface QueueChange {
        int apply() throws Exception;
    }

    private Map<String, Object> entry(Map<String, Object> row, Instant now) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", row.get(QueuedMessage.RELAY_ID));
        entry.put("state", row.get("state"));
        entry.put("sender", row.get(QueuedMessage.MAIL_FROM));
        Object recipients = row.get(QueuedMessage.RECIPIENTS);
        entry.put("recipients", recipients == null ? List.of() : Arrays.asList(String.valueOf(recipients).split("\n")));
        Object queuedAt = row.get(QueuedMessage.QUEUED_AT);
        Instant queued = queuedAt instanceof Number millis ? Instant.ofEpochMilli(millis.longValue()) : now;
        entry.put("queuedAt", queued.toString());
        entry.put("ageSeconds", Math.max(0, Duration.between(queued, now).toSeconds()));
        entry.put("source", row.get(QueuedMessage.SOURCE));
        entry.put("messageId", row.get(QueuedMessage.MESSAGE_ID));
        entry.put("subject", row.get(QueuedMessage.SUBJECT));
        entry.put("size", row.get(QueuedMessage.SIZE));
        DeliveryHistory.Attempts attempts = row.get(QueuedMessage.RELAY_ID) == null ? null
                : history.of(String.valueOf(row.get(QueuedMessage.RELAY_ID))).orElse(null);
        entry.put("failedAttempts", attempts == null ? 0 : attempts.failed());
        entry.put("lastError", attempts == null ? null : attempts.lastError());
        entry.put("nextAttempt", attempts == null || !"retry".equals(row.get("state")) ? null
                : attempts.nextAttempt().toString());
        return entry;
    }

    static Duration age(String text) {
        Matcher m = AGE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not an age: give a number with s, m, h or d (e.g. 1h)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

}
