package dev.oauthsmtprelay.ops.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;

import dev.oauthsmtprelay.credentials.ProviderCredentials;

/**
 * Ready when credentials were loaded and are enabled. The relay does not start with an unusable
 * file, so DOWN here means {@code relay.credentials.enabled=false}.
 */
public final class CredentialsHealthCheck extends ReadinessCheck {

    private final ProviderCredentials credentials;
    private final boolean enabled;

    public CredentialsHealthCheck(ProviderCredentials credentials, boolean enabled) {
        super("credentials");
        this.credentials = credentials;
        this.enabled = enabled;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("file", String.valueOf(credentials.source()));
        builder.detail("provider", credentials.provider().displayName());
        if (enabled) {
            builder.up();
        } else {
            builder.down().message("The credentials are disabled (relay.credentials.enabled=false): no tokens are "
                    + "requested. Set relay.credentials.enabled=true to deliver.");
        }
    }
}
