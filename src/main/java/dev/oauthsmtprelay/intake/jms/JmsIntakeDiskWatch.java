package dev.oauthsmtprelay.intake.jms;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.intake.ConditionReport;
import dev.oauthsmtprelay.queue.BrokerDisk;

/**
 * Stops the JMS intake while the queue cannot take messages (the embedded broker's disk over its limit, or the
 * broker stopped), and starts it again once it can: the messages wait on the intake broker, untouched. Otherwise each
 * of them would be taken, refused by the queue and rolled back, over and over, with a warning each time, until the
 * intake broker moved it to its own dead-letter queue after its maximum delivery attempts.
 */
public final class JmsIntakeDiskWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger("dev.oauthsmtprelay.intake.jms");

    private final CamelContext context;
    private final List<String> routeIds;
    private final BrokerDisk disk;
    private final Duration period;
    private final ConditionReport report;
    private ScheduledExecutorService scheduler;
    private boolean suspended;

    /**
     * @param routeIds the JMS intake routes
     * @param period   how often the disk is looked at: relay.broker.disk-scan-period, as the broker does
     * @param report   one warning while it lasts, reminders at relay.spool.warning-interval, one line when it ends
     */
    public JmsIntakeDiskWatch(CamelContext context, List<String> routeIds, BrokerDisk disk, Duration period,
                              ConditionReport report) {
        this.context = context;
        this.routeIds = List.copyOf(routeIds);
        this.disk = disk;
        this.period = period;
        this.report = report;
    }

    synchronized void check() {
        boolean full = disk.full();
        boolean stopped = !full && disk.stopped();
        try {
            if (full || stopped) {
                if (!suspended) {
                    for (String routeId : routeIds) {
                        context.getRouteController().suspendRoute(routeId);
                    }
                    suspended = true;
                }
                report.report(full ? "full" : "stopped", (full
                        ? "Data directory " + disk.directory() + " (relay.data.dir) is full: " + disk.usage()
                        + ", over the " + disk.maxUsagePercent() + "% the queue may fill (relay.broker.max-disk-usage)."
                        : "The embedded broker in " + disk.directory() + " is not running.")
                        + " The JMS intake stops taking messages; they wait on the intake broker, untouched. "
                        + (full ? "Free space on that file system or move relay.data.dir to a larger one; the intake "
                        + "starts again by itself once there is room." : "Fix relay.data.dir (free space, make "
                        + "it writable); the relay starts the broker again by itself then, and the intake with it."));
            } else if (suspended) {
                for (String routeId : routeIds) {
                    context.getRouteController().resumeRoute(routeId);
                }
                suspended = false;
                report.clear("Data directory " + disk.directory() + " has room again (" + disk.usage()
                        + "); the JMS intake takes messages again.");
            }
        } catch (Exception e) {
            LOG.warn("Could not {} the JMS intake routes: {}", suspended ? "resume" : "suspend", e.toString());
        }
    }

    @Override
    protected void doStart() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "relay-jms-intake-disk-watch");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(100, period.toMillis());
        scheduler.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
