package dev.oauthsmtprelay.ops.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;

import dev.oauthsmtprelay.intake.smtp.SmtpListener;

/** Ready while the SMTP listener listens (only with {@code relay.listener.enabled=true}). */
public final class SmtpListenerHealthCheck extends ReadinessCheck {

    private final SmtpListener listener;

    public SmtpListenerHealthCheck(SmtpListener listener) {
        super("smtp-listener");
        this.listener = listener;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("listen", listener.describe());
        builder.detail("state", listener.state().name().toLowerCase(java.util.Locale.ROOT));
        builder.detail("open-connections", listener.stats().openConnections());
        if (listener.state() == SmtpListener.State.LISTENING) {
            builder.up();
        } else {
            builder.down().message("The SMTP listener is not listening on " + listener.describe()
                    + (listener.failure() == null ? "" : ": " + listener.failure())
                    + "; clients keep their mail and retry. Free the port or change relay.listener.port.");
        }
    }
}
