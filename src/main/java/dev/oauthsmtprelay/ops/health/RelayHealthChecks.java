package dev.oauthsmtprelay.ops.health;

import java.util.Collection;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.DefaultHealthCheckRegistry;

/** Registers the relay's checks with Camel's health-check registry and runs them. */
public final class RelayHealthChecks {

    public static final String GROUP = "relay";

    private RelayHealthChecks() {
    }

    public static void register(CamelContext context, HealthCheck... checks) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry == null) {
            registry = new DefaultHealthCheckRegistry(context);
            context.getCamelContextExtension().addContextPlugin(HealthCheckRegistry.class, registry);
        }
        registry.setEnabled(true);
        for (HealthCheck check : checks) {
            registry.register(check);
        }
    }

    /** Runs the relay's checks of one kind (readiness, liveness, or both for ALL), with all details. */
    public static Collection<HealthCheck.Result> run(CamelContext context, HealthCheck.Kind kind) {
        return HealthCheckHelper.invoke(context, check -> Map.of(HealthCheck.CHECK_KIND, kind),
                check -> !GROUP.equals(check.getGroup())
                        || kind == HealthCheck.Kind.READINESS && !check.isReadiness()
                        || kind == HealthCheck.Kind.LIVENESS && !check.isLiveness(),
                "full");
    }
}
