package dev.oauthsmtprelay.ops.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.delivery.pacing.DailyQuota;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;
import dev.oauthsmtprelay.delivery.pacing.SendingSlots;
import dev.oauthsmtprelay.intake.smtp.ListenerStats;
import dev.oauthsmtprelay.intake.smtp.SmtpListener;
import dev.oauthsmtprelay.oauth.TokenService;
import dev.oauthsmtprelay.ops.health.CredentialExpiryWatch;
import dev.oauthsmtprelay.queue.RelayBroker;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;

/**
 * Answers {@code /status} with what the {@code status} command prints: queue depth, messages in retry, dead letters,
 * whether delivery is paused and why (for every mailbox, or for single sender mailboxes), per token key when the
 * cached token expires (never the token), and the SMTP listener's state and counts.
 */
public final class StatusReport implements Processor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final QueueStatistics queue;
    private final RelayBroker broker;
    private final DeadLetterStore deadLetters;
    private final DeliveryGate gate;
    private final MailboxPauses pauses;
    private final List<TokenService> tokens;
    private final SmtpListener listener;
    private final DailyQuota quota;
    private final SendingSlots slots;
    private final CredentialExpiryWatch credentialExpiry;

    /**
     * @param tokens   every account's token service
     * @param listener the SMTP listener, or null when {@code relay.listener.enabled=false}
     * @param quota    the daily limits per mailbox
     * @param slots    the per-minute pacing, or null without it
     */
    public StatusReport(QueueStatistics queue, RelayBroker broker, DeadLetterStore deadLetters, DeliveryGate gate,
            MailboxPauses pauses, List<TokenService> tokens, SmtpListener listener, DailyQuota quota, SendingSlots slots,
            CredentialExpiryWatch credentialExpiry) {
        this.credentialExpiry = credentialExpiry;
        this.quota = quota;
        this.slots = slots;
        this.queue = queue;
        this.broker = broker;
        this.deadLetters = deadLetters;
        this.gate = gate;
        this.pauses = pauses;
        this.tokens = tokens;
        this.listener = listener;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                report(RelayMetrics.of(exchange))) + "\n");
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    private Map<String, Object> brokerReport() {
        Map<String, Object> report = new LinkedHashMap<>();
        if (broker.embeddedBroker().isPresent()) {
            report.put("embedded", broker.embeddedBroker().get().brokerDir().toString());
            report.put("running", broker.embeddedBroker().get().isStarted());
            report.put("restarts", broker.embeddedBroker().get().restarts());
        } else {
            report.put("url", broker.settings().externalUrl().orElse(null));
            report.put("connectedTo", broker.connectedTo().orElse(null));
            report.put("failovers", broker.failovers());
        }
        return report;
    }

    public Map<String, Object> report(RelayMetrics metrics) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("queue", broker.deliveryQueue());
        report.put("broker", brokerReport());
        report.put("queueDepth", queue.depth().isPresent() ? queue.depth().getAsLong() : null);
        report.put("inRetry", queue.inRetry().isPresent() ? queue.inRetry().getAsLong() : null);
        report.put("deadLetters", deadLetters.list().size());
        report.put("deadLetterDir", deadLetters.directory().toAbsolutePath().toString());
        report.put("paused", gate.isPaused());
        report.put("pauseReason", gate.pauseReason().orElse(null));
        List<Map<String, Object>> pausedMailboxes = new ArrayList<>();
        for (MailboxPauses.Pause pause : pauses.paused()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("mailbox", pause.mailbox());
            entry.put("since", pause.since().toString());
            entry.put("reason", pause.cause());
            pausedMailboxes.add(entry);
        }
        report.put("pausedMailboxes", pausedMailboxes);
        List<Map<String, Object>> pausedAccounts = new ArrayList<>();
        for (MailboxPauses.AccountPause pause : pauses.pausedAccounts()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("account", pause.account());
            entry.put("mailbox", pause.mailbox());
            entry.put("since", pause.since().toString());
            entry.put("reason", pause.cause());
            pausedAccounts.add(entry);
        }
        report.put("pausedAccounts", pausedAccounts);
        List<Map<String, Object>> cached = new ArrayList<>();
        for (TokenService.CachedToken token : tokens.stream().flatMap(t -> t.cachedTokens().stream()).toList()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("key", token.key());
            entry.put("expiresAt", token.expiresAt() == null ? null : token.expiresAt().toString());
            entry.put("lastFailure", token.lastFailure());
            cached.add(entry);
        }
        report.put("tokens", cached);
        report.put("credentialsExpireAt", credentialExpiry.expiresAt().map(Object::toString).orElse(null));
        report.put("listener", listener == null ? null : listener());
        report.put("mailboxes", mailboxes());
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("received", metrics.count("relay.messages.received"));
        counters.put("delivered", metrics.count("relay.messages.delivered"));
        counters.put("retried", metrics.count("relay.messages.retried"));
        counters.put("deadLettered", metrics.count("relay.messages.dead.lettered"));
        counters.put("rejected", metrics.count("relay.messages.rejected"));
        report.put("counters", counters);
        return report;
    }

    /** Per sender mailbox: the day's use against its limits, what waits for the limit, and the paced backlog. */
    private List<Map<String, Object>> mailboxes() {
        Set<String> names = new TreeSet<>();
        quota.usages().forEach(usage -> names.add(usage.mailbox()));
        if (slots != null) {
            names.addAll(slots.mailboxes());
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (String mailbox : names) {
            DailyQuota.Usage usage = quota.usage(mailbox);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("mailbox", mailbox);
            entry.put("messages24h", usage.messages());
            entry.put("messageLimit", usage.messageLimit());
            entry.put("recipients24h", usage.recipients());
            entry.put("recipientLimit", usage.recipientLimit());
            entry.put("waitingForLimit", usage.waiting());
            entry.put("limitWaitUntil", usage.lastWaiterAt() == null ? null : usage.lastWaiterAt().toString());
            entry.put("pacedUntil", slots == null ? null : slots.lastSlot(mailbox).map(Object::toString).orElse(null));
            entries.add(entry);
        }
        return entries;
    }

    private Map<String, Object> listener() {
        ListenerStats stats = listener.stats();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("listen", listener.describe());
        entry.put("state", listener.state().name().toLowerCase(Locale.ROOT));
        entry.put("failure", listener.failure());
        entry.put("tls", listener.settings().tls().name().toLowerCase(Locale.ROOT));
        entry.put("auth", listener.settings().auth().name().toLowerCase(Locale.ROOT));
        entry.put("openConnections", stats.openConnections());
        entry.put("connections", stats.connections());
        entry.put("accepted", stats.accepted());
        entry.put("acceptedBytes", stats.bytes());
        Map<String, Long> refused = new LinkedHashMap<>();
        stats.refused().forEach((reason, count) -> {
            if (count > 0) {
                refused.put(reason, count);
            }
        });
        entry.put("refused", refused);
        return entry;
    }
}
