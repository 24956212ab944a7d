package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.Provider;
import dev.oauthsmtprelay.delivery.pacing.DailyQuota;
import dev.oauthsmtprelay.delivery.pacing.MailboxPacing;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.delivery.pacing.ProviderBackoff;
import dev.oauthsmtprelay.delivery.pacing.SendingSlots;

/** The per-mailbox limits whose defaults come from the provider of the credentials: pacing and recipients. */
final class ProviderLimits {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderLimits.class);
    /** Exchange Online: 30 messages a minute per mailbox. */
    static final int MICROSOFT_PER_MINUTE = 30;
    /** Exchange Online: 500 recipients per message; Gmail: 100 per message sent over SMTP. */
    static final int MICROSOFT_RECIPIENTS = 500;
    static final int GOOGLE_RECIPIENTS = 100;
    /** Gmail: 2,000 messages a day per user. */
    static final int GOOGLE_MESSAGES_PER_DAY = 2000;

    private ProviderLimits() {
    }

    /** {@code relay.delivery.recipients-per-transaction}, with the account's provider's limit when unset. */
    static int recipientsPerTransaction(RelaySettings settings, Provider provider) {
        return settings.optional(RelayKeys.DELIVERY_RECIPIENTS_PER_TRANSACTION).orElseGet(() ->
                provider == Provider.MICROSOFT ? MICROSOFT_RECIPIENTS : GOOGLE_RECIPIENTS);
    }

    /**
     * {@code relay.quota.*}, with the provider's limits when unset; counted in {@code <data>/quota}. With accounts of
     * both providers, Gmail's daily limit applies to every mailbox: the count is one for the whole relay.
     */
    static DailyQuota quota(RelaySettings settings, RelayEnvironment environment, Clock clock) {
        int messages = settings.optional(RelayKeys.QUOTA_MESSAGES_PER_DAY)
                .orElse(uses(environment, Provider.GOOGLE) ? GOOGLE_MESSAGES_PER_DAY : 0);
        return new DailyQuota(messages, settings.get(RelayKeys.QUOTA_RECIPIENTS_PER_DAY),
                settings.dataDir().resolve("quota"), clock);
    }

    /**
     * {@code relay.pacing.messages-per-minute}, with the provider's limit when unset; null without pacing. With
     * accounts of both providers, Exchange's rate applies to every mailbox.
     */
    static SendingSlots slots(RelaySettings settings, RelayEnvironment environment, Clock clock) {
        int perMinute = settings.optional(RelayKeys.PACING_MESSAGES_PER_MINUTE)
                .orElse(uses(environment, Provider.MICROSOFT) ? MICROSOFT_PER_MINUTE : 0);
        if (perMinute == 0) {
            return null;
        }
        LOG.info("Pacing: at most {} message(s) a minute per sender mailbox ({})", perMinute,
                RelayKeys.PACING_MESSAGES_PER_MINUTE);
        return new SendingSlots(perMinute, Duration.ofMinutes(1), clock);
    }

    private static boolean uses(RelayEnvironment environment, Provider provider) {
        return environment.accounts().all().stream().anyMatch(a -> a.credentials().provider() == provider);
    }

    /**
     * The step before delivery that holds back what a mailbox pause, the per-minute pacing, the daily quota or the
     * provider's Retry-After ({@code backoff}, null when the transport has none) does not allow yet.
     */
    static Processor pacing(RelayEnvironment environment, SendingSlots slots, DailyQuota quota,
                            ProviderBackoff backoff, MailboxPauses pauses, Clock clock) {
        return new MailboxPacing(environment.senders(), slots, quota, backoff, pauses, clock);
    }
}
