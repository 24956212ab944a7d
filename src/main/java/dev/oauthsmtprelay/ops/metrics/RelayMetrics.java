package dev.oauthsmtprelay.ops.metrics;

import java.time.Duration;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

import dev.oauthsmtprelay.config.RelayVersion;
import dev.oauthsmtprelay.message.DeliveryAttempt;

/**
 * The relay's counters, timers and gauges in a Micrometer Prometheus registry (camel-micrometer
 * is not published for Camel 4.22, so the relay updates Micrometer itself). The route files count with
 * route steps ({@code process: {ref: relayCountDelivered}}, bound by {@code app/PerMessageSteps}, or
 * {@code bean: {ref: relayMetrics, method: retried}}), so no stage imports this class;
 * operations code finds the instance of its relay with {@link #of(CamelContext)}.
 */
public final class RelayMetrics {

    public static final String BEAN = "relayMetrics";
    private static final RelayMetrics UNBOUND = new RelayMetrics();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter delivered = counter("relay.messages.delivered", "Messages the hub accepted");
    private final Counter retried = counter("relay.messages.retried", "Delivery attempts that failed for now and "
            + "went back to the queue");
    private final Counter deadLettered = counter("relay.messages.dead.lettered", "Messages (or copies for some "
            + "recipients) filed as dead letters");
    private final Counter rejected = counter("relay.messages.rejected", "Spool files moved to .error as not valid");
    private final Counter tokenRequests = counter("relay.token.requests", "Requests to the token endpoint");
    private final Counter tokenFailures = counter("relay.token.failures", "Token endpoint requests that failed");
    private final Timer deliveryLatency = Timer.builder("relay.delivery.duration")
            .description("From taking a message off the queue to the hub's reply").register(registry);

    public RelayMetrics() {
        Gauge.builder("relay.build.info", () -> 1).description("The relay's version, as a label")
                .tag("version", RelayVersion.get()).register(registry);
    }

    /** The metrics of the relay running in this exchange's context. */
    public static RelayMetrics of(Exchange exchange) {
        return of(exchange.getContext());
    }

    public static RelayMetrics of(CamelContext context) {
        RelayMetrics bound = context.getRegistry().lookupByNameAndType(BEAN, RelayMetrics.class);
        return bound != null ? bound : UNBOUND;
    }

    /** A message taken in and queued; {@code source} is the intake ("spool", "jms"). */
    public void received(String source) {
        Counter.builder("relay.messages.received").description("Messages taken in and queued for delivery")
                .tag("source", source).register(registry).increment();
    }

    public void delivered(Duration took) {
        delivered.increment();
        deliveryLatency.record(took);
    }

    /** Route step after the hub's reply: counts the message when the hub accepted at least one recipient. */
    public void delivered(Exchange exchange) {
        if (DeliveryAttempt.accepted(exchange) > 0) {
            delivered(DeliveryAttempt.elapsed(exchange));
        }
    }

    public void retried() {
        retried.increment();
    }

    public void deadLettered() {
        deadLettered.increment();
    }

    public void rejected() {
        rejected.increment();
    }

    public void tokenRequested(boolean succeeded) {
        tokenRequests.increment();
        if (!succeeded) {
            tokenFailures.increment();
        }
    }

    /** A value read when scraped; {@code source} returns NaN when it cannot be read now. */
    public void gauge(String name, String description, Supplier<Number> source) {
        Gauge.builder(name, source).description(description).register(registry);
    }

    /** A gauge of a family told apart by its {@code reason} tag. */
    public void gauge(String name, String description, String reason, Supplier<Number> source) {
        Gauge.builder(name, source).description(description).tag("reason", reason).register(registry);
    }

    /** A gauge of one sender mailbox, told apart by its {@code mailbox} tag. */
    public void mailboxGauge(String name, String description, String mailbox, Supplier<Number> source) {
        Gauge.builder(name, source).description(description).tag("mailbox", mailbox).register(registry);
    }

    /** The JVM and process metrics (memory, GC, threads, CPU, uptime, files), bound while the service runs. */
    public JvmProcessMetrics jvmAndProcess() {
        return new JvmProcessMetrics(registry);
    }

    /** Everything in the Prometheus text format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    public double count(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }
}
