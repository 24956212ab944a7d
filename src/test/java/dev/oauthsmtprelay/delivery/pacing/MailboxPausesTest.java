package dev.oauthsmtprelay.delivery.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.fixtures.MutableClock;

class MailboxPausesTest {

    private static final Duration PROBE = Duration.ofSeconds(30);
    private static final Duration MAX_AGE = Duration.ofHours(120);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T08:00:00Z"));
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final List<String> probed = new ArrayList<>();
    private final MailboxPauses pauses = new MailboxPauses(mailbox -> {
        probed.add(mailbox);
        if (refused.contains(mailbox)) {
            throw new DeliveryFailure(DeliveryFailure.Kind.MAILBOX, "still refused: " + mailbox, null, null);
        }
        return "235 2.7.0 Accepted";
    }, PROBE, MAX_AGE, clock);

    @Test
    void holds_only_the_paused_mailbox_until_the_next_probe() {
        pauses.pause("Billing@Example.com", "535 5.7.139 disabled for the Mailbox");

        assertThat(pauses.heldUntil("billing@example.com", clock.instant())).contains(clock.instant().plus(PROBE));
        assertThat(pauses.heldUntil("alerts@example.com", clock.instant())).isEmpty();
        assertThat(pauses.paused()).singleElement().satisfies(pause -> {
            assertThat(pause.mailbox()).isEqualTo("billing@example.com");
            assertThat(pause.cause()).contains("5.7.139");
            assertThat(pause.since()).isEqualTo(clock.instant());
        });
    }

    @Test
    void a_long_pause_looks_at_held_mail_less_often_up_to_five_minutes() {
        pauses.pause("billing@example.com", "refused");

        clock.advance(Duration.ofMinutes(2));
        assertThat(pauses.heldUntil("billing@example.com", clock.instant()))
                .contains(clock.instant().plus(Duration.ofMinutes(2)));
        clock.advance(Duration.ofHours(3));
        assertThat(pauses.heldUntil("billing@example.com", clock.instant()))
                .contains(clock.instant().plus(Duration.ofMinutes(MailboxPauses.MAX_HOLD_MINUTES)));
    }

    @Test
    void a_message_older_than_the_maximum_age_is_let_through_for_its_last_attempt() {
        pauses.pause("billing@example.com", "refused");

        assertThat(pauses.heldUntil("billing@example.com", clock.instant().minus(MAX_AGE))).isEmpty();
        assertThat(pauses.heldUntil("billing@example.com", clock.instant().minus(MAX_AGE).plusSeconds(1))).isPresent();
    }

    @Test
    void a_probe_that_fails_keeps_the_pause_with_the_new_cause_and_one_that_passes_ends_it() {
        refused.add("billing@example.com");
        refused.add("payroll@example.com");
        pauses.pause("billing@example.com", "first cause");
        pauses.pause("payroll@example.com", "other cause");
        pauses.pause("billing@example.com", "a second failure does not replace the first");

        pauses.probeAll();
        assertThat(probed).containsExactlyInAnyOrder("billing@example.com", "payroll@example.com");
        assertThat(pauses.paused()).extracting(MailboxPauses.Pause::cause)
                .containsExactlyInAnyOrder("still refused: billing@example.com", "still refused: payroll@example.com");

        refused.remove("billing@example.com");
        pauses.probeAll();
        assertThat(pauses.paused()).extracting(MailboxPauses.Pause::mailbox).containsExactly("payroll@example.com");
        assertThat(pauses.heldUntil("billing@example.com", clock.instant())).isEmpty();
        assertThat(pauses.isEmpty()).isFalse();
    }

    @Test
    void an_account_pause_holds_every_mailbox_of_that_account_and_ends_when_the_probe_passes() {
        MailboxPauses accounts = new MailboxPauses(mailbox -> {
            probed.add(mailbox);
            if (refused.contains(mailbox)) {
                throw new DeliveryFailure(DeliveryFailure.Kind.CONFIGURATION, "secret refused", null, null);
            }
            return "235 2.7.0 Accepted";
        }, mailbox -> mailbox.endsWith("@example.org") ? "subsidiary" : "group", PROBE, MAX_AGE, clock);
        refused.add("billing@example.org");
        accounts.pauseAccount("subsidiary", "Billing@Example.org", "AADSTS7000215 invalid client secret");

        assertThat(accounts.heldUntil("sales@example.org", clock.instant())).as("another mailbox of the account")
                .contains(clock.instant().plus(PROBE));
        assertThat(accounts.heldUntil("payroll@example.com", clock.instant())).as("the other account").isEmpty();
        assertThat(accounts.paused()).isEmpty();
        assertThat(accounts.pausedAccounts()).singleElement().satisfies(pause -> {
            assertThat(pause.account()).isEqualTo("subsidiary");
            assertThat(pause.mailbox()).isEqualTo("billing@example.org");
        });

        accounts.probeAll();
        assertThat(accounts.isEmpty()).isFalse();
        assertThat(accounts.pausedAccounts()).singleElement().satisfies(pause ->
                assertThat(pause.cause()).isEqualTo("secret refused"));
        refused.clear();
        accounts.probeAll();

        assertThat(probed).containsExactly("billing@example.org", "billing@example.org");
        assertThat(accounts.isEmpty()).isTrue();
        assertThat(accounts.heldUntil("sales@example.org", clock.instant())).isEmpty();
    }
}
