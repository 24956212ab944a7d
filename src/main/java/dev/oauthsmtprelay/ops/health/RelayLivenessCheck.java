package dev.oauthsmtprelay.ops.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Alive while the Camel context runs; a paused delivery is a readiness matter, not a reason to restart. */
public final class RelayLivenessCheck extends AbstractHealthCheck {

    public RelayLivenessCheck() {
        super(RelayHealthChecks.GROUP, "alive");
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    public boolean isLiveness() {
        return true;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        var status = getCamelContext().getStatus();
        builder.detail("context", status.name());
        if (status.isStarted() || status.isStarting()) {
            builder.up();
        } else {
            builder.down().message("The Camel context is " + status.name().toLowerCase() + ".");
        }
    }
}
