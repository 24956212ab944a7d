package dev.oauthsmtprelay.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryProbe;
import dev.oauthsmtprelay.message.DeliveryAttempt;

/**
 * Pauses delivery when the trouble is the configuration (login refused, token endpoint refusing
 * the credentials, hub unreachable), so queued messages keep their attempts. The cause is logged
 * once; the transport's probe (SMTP: token + TLS + XOAUTH2 login; Graph: a harmless read; nothing is
 * sent) runs periodically and resumes delivery as soon as it passes.
 */
public final class DeliveryGate extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryGate.class);

    private final CamelContext context;
    private final String routeId;
    private final DeliveryProbe probe;
    private final Duration probeInterval;
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> probing;
    private String reason;
    private String probeMailbox;

    public DeliveryGate(CamelContext context, String routeId, DeliveryProbe probe, Duration probeInterval) {
        this.context = context;
        this.routeId = routeId;
        this.probe = probe;
        this.probeInterval = probeInterval;
    }

    public synchronized boolean isPaused() {
        return reason != null;
    }

    /** Why delivery is paused (the text logged when it paused, updated by failing probes); empty while it runs. */
    public synchronized Optional<String> pauseReason() {
        return Optional.ofNullable(reason);
    }

    /** Pauses for the failure of this exchange's delivery attempt (route step of the delivery error handling). */
    public void pause(Exchange exchange) {
        pause(DeliveryAttempt.mailbox(exchange), exchange.getProperty(DeliveryAttempt.FAILURE_REASON, String.class));
    }

    /** Stops taking messages from the queue until a probe as {@code mailbox} succeeds. */
    public synchronized void pause(String mailbox, String cause) {
        if (reason != null) {
            return;
        }
        reason = cause;
        probeMailbox = mailbox;
        LOG.error("Delivery paused, messages stay queued: {} The relay checks again every {} and resumes by itself.",
                cause, probeInterval.toMillis() < 1000 ? probeInterval.toMillis() + " ms" : probeInterval.toSeconds() + " s");
        // The calling thread is one of the route's consumers: suspending must not wait for it.
        scheduler.execute(this::suspendRoute);
        probing = scheduler.scheduleWithFixedDelay(this::probe, probeInterval.toMillis(), probeInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void suspendRoute() {
        try {
            context.getRouteController().suspendRoute(routeId);
        } catch (Exception e) {
            LOG.warn("Could not suspend route {}: {}", routeId, e.getMessage());
        }
    }

    void probe() {
        String mailbox;
        synchronized (this) {
            mailbox = probeMailbox;
        }
        try {
            String answer = probe.probe(mailbox);
            LOG.debug("Probe as {} passed: {}", mailbox, answer);
        } catch (DeliveryFailure failure) {
            synchronized (this) {
                if (!failure.getMessage().equals(reason)) {
                    reason = failure.getMessage();
                    LOG.error("Delivery still paused: {}", reason);
                }
            }
            return;
        }
        reopen();
    }

    private void reopen() {
        synchronized (this) {
            if (reason == null) {
                return;
            }
            reason = null;
            if (probing != null) {
                probing.cancel(false);
            }
        }
        try {
            context.getRouteController().resumeRoute(routeId);
            LOG.info("Delivery resumed: the provider took a login as {} again.", probeMailbox);
        } catch (Exception e) {
            LOG.error("Could not resume route {}: {}", routeId, e.getMessage());
        }
    }

    @Override
    protected void doStart() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "relay-delivery-gate");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    protected void doStop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
