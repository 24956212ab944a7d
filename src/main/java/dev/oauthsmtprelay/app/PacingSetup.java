package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.Provider;
import dev.oauthsmtprelay.delivery.pacing.MailboxPacing;
import dev.oauthsmtprelay.delivery.pacing.SendingSlots;
import dev.oauthsmtprelay.delivery.sender.SenderResolver;

/** {@code relay.pacing.messages-per-minute}, with the provider's limit when unset. */
final class PacingSetup {

    private static final Logger LOG = LoggerFactory.getLogger(PacingSetup.class);
    /** Exchange Online: 30 messages a minute per mailbox. */
    static final int MICROSOFT_PER_MINUTE = 30;

    private PacingSetup() {
    }

    static Processor pacing(RelaySettings settings, RelayEnvironment environment, Clock clock) {
        Provider provider = environment.credentials().credentials().provider();
        int perMinute = settings.optional(RelayKeys.PACING_MESSAGES_PER_MINUTE)
                .orElse(provider == Provider.MICROSOFT ? MICROSOFT_PER_MINUTE : 0);
        if (perMinute == 0) {
            return PacingSetup::unpaced;
        }
        LOG.info("Pacing: at most {} message(s) a minute per sender mailbox ({})", perMinute,
                RelayKeys.PACING_MESSAGES_PER_MINUTE);
        return new MailboxPacing(SenderResolver.from(settings), new SendingSlots(perMinute, Duration.ofMinutes(1), clock),
                clock);
    }

    private static void unpaced(Exchange exchange) {
        // relay.pacing.messages-per-minute=0, or a provider without a per-minute limit
    }
}
