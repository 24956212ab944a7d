package dev.oauthsmtprelay.delivery.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.fixtures.MutableClock;

class SendingSlotsTest {

    private static final Instant START = Instant.parse("2026-12-03T09:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock(START);
    private final SendingSlots slots = new SendingSlots(30, MINUTE, clock);

    @Test
    void a_backlog_of_100_at_30_a_minute_spreads_over_four_minutes_and_no_minute_holds_more_than_30() {
        List<Instant> given = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            given.add(slots.next("statements@example.com", null));
        }
        assertThat(given.subList(0, 30)).containsOnly(START);
        assertThat(given.subList(30, 60)).containsOnly(START.plus(MINUTE));
        assertThat(given.subList(60, 90)).containsOnly(START.plus(MINUTE.multipliedBy(2)));
        assertThat(given.subList(90, 100)).containsOnly(START.plus(MINUTE.multipliedBy(3)));
        for (Instant from : given) {
            assertThat(given.stream().filter(s -> !s.isBefore(from) && s.isBefore(from.plus(MINUTE))).count())
                    .as("sends in the minute from " + from).isLessThanOrEqualTo(30);
        }
    }

    @Test
    void each_mailbox_is_paced_to_its_own_limit_and_a_mailbox_without_one_always_goes_now() {
        SendingSlots mixed = new SendingSlots(new MailboxLimit(mailbox -> mailbox.endsWith("@example.com") ? 2 : 0,
                true), MINUTE, clock);
        List<Instant> exchange = new ArrayList<>();
        List<Instant> gmail = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            exchange.add(mixed.next("invoices@example.com", null));
            gmail.add(mixed.next("scanner@example.net", null));
        }
        assertThat(exchange).containsExactly(START, START, START.plus(MINUTE), START.plus(MINUTE),
                START.plus(MINUTE.multipliedBy(2)));
        assertThat(gmail).containsOnly(START);
        assertThat(mixed.mailboxes()).containsExactly("invoices@example.com");
    }

    @Test
    void a_message_back_at_its_slot_claims_it_instead_of_taking_another() {
        for (int i = 0; i < 30; i++) {
            slots.next("a@example.com", null);
        }
        Instant slot = slots.next("a@example.com", null);
        assertThat(slot).isEqualTo(START.plus(MINUTE));

        clock.advance(MINUTE);
        assertThat(slots.next("a@example.com", slot)).isEqualTo(slot);
        // 29 more fit in that minute, not 30: the claimed slot counts
        for (int i = 0; i < 29; i++) {
            assertThat(slots.next("a@example.com", null)).isEqualTo(START.plus(MINUTE));
        }
        assertThat(slots.next("a@example.com", null)).isEqualTo(START.plus(MINUTE.multipliedBy(2)));
    }

    @Test
    void another_mailbox_is_not_held_back_by_a_backlogged_one() {
        for (int i = 0; i < 50_000; i++) {
            slots.next("batch@example.com", null);
        }
        assertThat(slots.next("alerts@example.com", null)).isEqualTo(START);
    }

    @Test
    void sends_older_than_the_window_no_longer_count() {
        for (int i = 0; i < 30; i++) {
            slots.next("a@example.com", null);
        }
        clock.advance(Duration.ofSeconds(61));
        assertThat(slots.next("a@example.com", null)).isEqualTo(clock.instant());
    }
}
