package dev.oauthsmtprelay.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Keeps the first of camel-jms's {@code Could not refresh JMS Connection for destination '…'} errors for each
 * destination and drops the repeats until its {@code Successfully refreshed JMS Connection} line. The listener
 * container tries again every 5 s while the broker is away (the embedded broker waiting for disk space, an external
 * broker not up yet) and logs each try: 12 identical errors a minute per queue, for as long as that lasts.
 */
final class RepeatedReconnectFilter extends TurboFilter {

    static final String CONTAINER_LOGGER = "org.apache.camel.component.jms.DefaultJmsMessageListenerContainer";
    private static final String FAILED = "Could not refresh JMS Connection for destination '";
    private static final String REFRESHED = "Successfully refreshed JMS Connection";

    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (format == null || !CONTAINER_LOGGER.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        if (format.startsWith(FAILED)) {
            int end = format.indexOf('\'', FAILED.length());
            String destination = end < 0 ? "" : format.substring(FAILED.length(), end);
            return failing.add(destination) ? FilterReply.NEUTRAL : FilterReply.DENY;
        }
        if (format.startsWith(REFRESHED)) {
            failing.clear();
        }
        return FilterReply.NEUTRAL;
    }
}
