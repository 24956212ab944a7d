package dev.oauthsmtprelay.delivery.pacing;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.sender.SenderResolver;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * Before a message is prepared: when its sender mailbox is paused ({@link MailboxPauses}), the provider asked it to
 * wait (Retry-After), or the mailbox has used up its daily limit or its messages for the minute, the message goes back
 * to the queue as a new message scheduled for the time it may go ({@value #SCHEDULED}): the mailbox's next look, the
 * end of the wait, the day's window freeing, or its sending slot. This one is then done. The route does the re-queue,
 * so a crash in between can only send it twice, never lose it.
 */
public final class MailboxPacing implements Processor {

    /** Artemis's property for a message that becomes deliverable at a time (epoch milliseconds). */
    public static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";
    /** Exchange property set when the message must wait: the Instant of its slot. */
    public static final String WAIT_UNTIL = "relayPacedUntil";

    private static final Logger LOG = LoggerFactory.getLogger(MailboxPacing.class);

    private final SenderResolver senders;
    private final SendingSlots slots;
    private final DailyQuota quota;
    private final ProviderBackoff backoff;
    private final MailboxPauses pauses;
    private final Clock clock;

    /**
     * @param slots   the per-minute pacing, or null without one
     * @param backoff mailboxes the provider asked to wait, or null when the transport never asks
     * @param pauses  mailboxes paused for a cause of their own
     */
    public MailboxPacing(SenderResolver senders, SendingSlots slots, DailyQuota quota, ProviderBackoff backoff,
                         MailboxPauses pauses, Clock clock) {
        this.senders = senders;
        this.slots = slots;
        this.quota = quota;
        this.backoff = backoff;
        this.pauses = pauses;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        if (slots == null && !quota.limited() && backoff == null && pauses.isEmpty()) {
            return;
        }
        Message in = exchange.getIn();
        String mailbox = senders.resolve(QueuedMessage.mailFrom(in)).mailbox().orElse(null);
        if (mailbox == null) {
            return; // preparation turns this into a dead letter with the reason
        }
        String key = mailbox.toLowerCase(Locale.ROOT);
        Optional<Instant> held = pauses.heldUntil(key, QueuedMessage.queuedAt(in));
        if (held.isPresent()) {
            LOG.debug("{} waits until {}: delivery is paused for {}", QueuedMessage.relayId(in), held.get(), mailbox);
            requeueAt(exchange, held.get());
            return;
        }
        Optional<Instant> asked = backoff == null ? Optional.empty() : backoff.waiting(key);
        if (asked.isPresent()) {
            LOG.debug("{} waits until {}: the provider asked {} to wait (Retry-After)", QueuedMessage.relayId(in),
                    asked.get(), mailbox);
            requeueAt(exchange, asked.get());
            return;
        }
        boolean waited = in.getHeader(QueuedMessage.QUOTA_WAIT) != null;
        in.removeHeader(QueuedMessage.QUOTA_WAIT);
        Instant free = quota.availableAt(key, QueuedMessage.recipients(in).size(), waited);
        if (free.isAfter(clock.instant())) {
            in.removeHeader(QueuedMessage.PACED_SLOT);
            in.setHeader(QueuedMessage.QUOTA_WAIT, free.toEpochMilli());
            requeueAt(exchange, free);
            return;
        }
        if (slots == null) {
            return;
        }
        Long reserved = in.getHeader(QueuedMessage.PACED_SLOT, Long.class);
        Instant slot = slots.next(key, reserved == null ? null : Instant.ofEpochMilli(reserved));
        if (!slot.isAfter(clock.instant())) {
            return;
        }
        LOG.debug("{} waits for its sending slot at {} ({}: relay.pacing.messages-per-minute)",
                QueuedMessage.relayId(in), slot, mailbox);
        in.setHeader(QueuedMessage.PACED_SLOT, slot.toEpochMilli());
        requeueAt(exchange, slot);
    }

    private static void requeueAt(Exchange exchange, Instant until) {
        Message in = exchange.getIn();
        in.setHeader(SCHEDULED, until.toEpochMilli());
        exchange.setProperty(WAIT_UNTIL, until);
    }
}
