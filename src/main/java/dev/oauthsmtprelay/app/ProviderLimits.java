package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.Accounts;
import dev.oauthsmtprelay.credentials.Provider;
import dev.oauthsmtprelay.delivery.pacing.DailyQuota;
import dev.oauthsmtprelay.delivery.pacing.MailboxGroups;
import dev.oauthsmtprelay.delivery.pacing.MailboxLimit;
import dev.oauthsmtprelay.delivery.pacing.MailboxPacing;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.delivery.pacing.ProviderBackoff;
import dev.oauthsmtprelay.delivery.pacing.SendingSlots;
import dev.oauthsmtprelay.queue.BrokerSettings;

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
     * {@code relay.quota.*}, counted in {@code <data>/quota}. Unset, each mailbox gets its own provider's daily limit:
     * Gmail's 2,000 messages for a Google account's mailbox, none for a Microsoft 365 one.
     */
    static DailyQuota quota(RelaySettings settings, RelayEnvironment environment, Clock clock) {
        MailboxLimit messages = settings.optional(RelayKeys.QUOTA_MESSAGES_PER_DAY).map(MailboxLimit::everywhere)
                .orElseGet(() -> byProvider(environment, 0, GOOGLE_MESSAGES_PER_DAY));
        return new DailyQuota(messages, settings.get(RelayKeys.QUOTA_RECIPIENTS_PER_DAY),
                settings.dataDir().resolve("quota"), clock);
    }

    /**
     * {@code relay.pacing.messages-per-minute}; null without pacing. Unset, each mailbox gets its own provider's rate:
     * Exchange's 30 a minute for a Microsoft 365 account's mailbox, none for a Google one.
     */
    static SendingSlots slots(RelaySettings settings, RelayEnvironment environment, Clock clock) {
        Integer perMinute = settings.optional(RelayKeys.PACING_MESSAGES_PER_MINUTE).orElse(null);
        MailboxLimit limit = perMinute != null ? MailboxLimit.everywhere(perMinute)
                : byProvider(environment, MICROSOFT_PER_MINUTE, 0);
        if (!limit.any()) {
            return null;
        }
        LOG.info("Pacing: at most {} a minute per sender mailbox ({})", perMinute != null ? perMinute + " message(s)"
                : MICROSOFT_PER_MINUTE + " message(s) for Microsoft 365 mailboxes", RelayKeys.PACING_MESSAGES_PER_MINUTE);
        return new SendingSlots(limit, Duration.ofMinutes(1), clock);
    }

    /** A limit that follows the provider of the account sending as the mailbox (0 for a mailbox no account serves). */
    static MailboxLimit byProvider(RelayEnvironment environment, int microsoft, int google) {
        Accounts accounts = environment.accounts();
        boolean any = (microsoft > 0 && uses(environment, Provider.MICROSOFT))
                || (google > 0 && uses(environment, Provider.GOOGLE));
        return new MailboxLimit(mailbox -> accounts.forMailbox(mailbox)
                .map(account -> account.credentials().provider() == Provider.MICROSOFT ? microsoft : google)
                .orElse(0), any);
    }

    private static boolean uses(RelayEnvironment environment, Provider provider) {
        return environment.accounts().all().stream().anyMatch(a -> a.credentials().provider() == provider);
    }

    /**
     * {@code relay.pacing.mailbox-groups}. {@code auto} turns the groups on when other relays can share the broker (an
     * external one, or the embedded one listening on TCP) and there are limits to hold for them: per-minute pacing or a
     * daily quota. Without limits the groups would only cost throughput: one consumer per mailbox instead of all.
     */
    static MailboxGroups groups(RelaySettings settings, BrokerSettings broker, RelayEnvironment environment,
                                SendingSlots slots, DailyQuota quota) {
        String choice = settings.get(RelayKeys.PACING_MAILBOX_GROUPS);
        boolean shared = broker.externalUrl().isPresent() || broker.listenUrl().isPresent();
        boolean limited = slots != null || quota.limited();
        boolean enabled = choice.equals("auto") ? shared && limited : choice.equals("true");
        if (enabled) {
            LOG.info("Mailbox groups: the broker hands each sender mailbox's mail to one consumer at a time across "
                    + "all relays that share it, so the mailbox's limits hold for all of them ({}={})",
                    RelayKeys.PACING_MAILBOX_GROUPS, choice);
        }
        return new MailboxGroups(environment.senders(), enabled);
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
