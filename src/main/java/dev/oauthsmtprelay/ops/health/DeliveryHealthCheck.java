package dev.oauthsmtprelay.ops.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;

import dev.oauthsmtprelay.delivery.DeliveryGate;

/** Ready while delivery is not paused; when paused, the message says why (the same text the log has). */
public final class DeliveryHealthCheck extends ReadinessCheck {

    private final DeliveryGate gate;

    public DeliveryHealthCheck(DeliveryGate gate) {
        super("delivery");
        this.gate = gate;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String reason = gate.pauseReason().orElse(null);
        builder.detail("paused", reason != null);
        if (reason == null) {
            builder.up();
        } else {
            builder.down().message("Delivery is paused, messages stay queued: " + reason);
        }
    }
}
