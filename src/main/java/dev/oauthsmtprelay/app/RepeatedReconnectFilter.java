package dev.oauthsmtprelay.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Keeps the first of camel-jms's {@code Could not refresh JMS Connection for destination '…'} errors for each
 * destination and drops the repeats until its {@code Successfully refreshed JMS Connection} line. The listener
 * container tries again every 5 s while the broker is away (the embedded broker waiting for disk space, an external
 * broker not up yet) and logs each try: 12 identical errors a minute per queue, for as long as that lasts.
 *
 * <p>One instance per appender, since each appender asks its own filters. An appender filter rather than a Logback
 * turbo filter: a turbo filter is asked on every logging call, also the disabled debug and trace calls of Camel and
 * Artemis, which cost about 2 % of the relay's Java CPU in the spool bench; an appender filter sees only the lines
 * that are written.
 */
final class RepeatedReconnectFilter extends Filter<ILoggingEvent> {

    static final String CONTAINER_LOGGER = "org.apache.camel.component.jms.DefaultJmsMessageListenerContainer";
    private static final String FAILED = "Could not refresh JMS Connection for destination '";
    private static final String REFRESHED = "Successfully refreshed JMS Connection";

    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    @Override
    public FilterReply decide(ILoggingEvent event) {
        String format = event.getMessage();
        if (format == null || !CONTAINER_LOGGER.equals(event.getLoggerName())) {
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
