package dev.oauthsmtprelay.ops.metrics;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Micrometer's JVM and process binders (memory, GC, threads, classes, CPU, uptime, open files), bound while the
 * relay runs. A Camel service because the GC binder listens to the JVM's notifications until it is closed: an
 * embedding application that restarts the relay would otherwise keep the old listeners.
 */
public final class JvmProcessMetrics extends ServiceSupport {

    private final MeterRegistry registry;
    private final List<AutoCloseable> closeable = new ArrayList<>();

    JvmProcessMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doStart() {
        JvmGcMetrics gc = new JvmGcMetrics();
        closeable.add(gc);
        for (MeterBinder binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new JvmInfoMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
            binder.bindTo(registry);
        }
    }

    @Override
    protected void doStop() throws Exception {
        for (AutoCloseable each : closeable) {
            each.close();
        }
        closeable.clear();
    }
}
