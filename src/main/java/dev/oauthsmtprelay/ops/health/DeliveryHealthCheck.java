package dev.oauthsmtprelay.ops.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.health.HealthCheckResultBuilder;

import dev.oauthsmtprelay.delivery.DeliveryGate;
import dev.oauthsmtprelay.delivery.pacing.MailboxPauses;

/**
 * Ready while delivery is not paused; when paused, the message says why (the same text the log has). Mailboxes paused
 * on their own leave the relay ready (the others' mail flows), and are named with their causes in the details.
 */
public final class DeliveryHealthCheck extends ReadinessCheck {

    private final DeliveryGate gate;
    private final MailboxPauses pauses;

    public DeliveryHealthCheck(DeliveryGate gate, MailboxPauses pauses) {
        super("delivery");
        this.gate = gate;
        this.pauses = pauses;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String reason = gate.pauseReason().orElse(null);
        builder.detail("paused", reason != null);
        Map<String, String> mailboxes = new LinkedHashMap<>();
        pauses.paused().forEach(pause -> mailboxes.put(pause.mailbox(), pause.cause()));
        Map<String, String> accounts = new LinkedHashMap<>();
        pauses.pausedAccounts().forEach(pause -> accounts.put(pause.account(), pause.cause()));
        builder.detail("pausedMailboxes", String.join(", ", mailboxes.keySet()));
        builder.detail("pausedAccounts", String.join(", ", accounts.keySet()));
        if (reason == null && (!mailboxes.isEmpty() || !accounts.isEmpty())) {
            List<String> parts = new ArrayList<>();
            if (!accounts.isEmpty()) {
                parts.add("paused for " + accounts.size() + " account(s), the mail of their mailboxes stays queued: "
                        + accounts.entrySet().stream().map(e -> "account " + e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining(" | ")));
            }
            if (!mailboxes.isEmpty()) {
                parts.add("paused for " + mailboxes.size() + " mailbox(es), their messages stay queued: "
                        + mailboxes.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining(" | ")));
            }
            builder.up().message("Delivery runs; " + String.join("; ", parts));
        } else if (reason == null) {
            builder.up();
        } else {
            builder.down().message("Delivery is paused, messages stay queued: " + reason);
        }
    }
}
