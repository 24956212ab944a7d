package dev.oauthsmtprelay.ops.health;

import org.apache.camel.impl.health.AbstractHealthCheck;

/** A check of the relay's group that counts for {@code /health/ready} only, not for liveness. */
abstract class ReadinessCheck extends AbstractHealthCheck {

    ReadinessCheck(String id) {
        super(RelayHealthChecks.GROUP, id);
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
