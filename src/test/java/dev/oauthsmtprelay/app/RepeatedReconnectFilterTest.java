package dev.oauthsmtprelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RepeatedReconnectFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> appended = new ListAppender<>();

    RepeatedReconnectFilterTest() {
        appended.addFilter(new RepeatedReconnectFilter());
        appended.setContext(context);
        appended.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appended);
    }

    @Test
    void keeps_the_first_reconnect_error_per_queue_until_the_connection_is_back() {
        Logger container = context.getLogger(RepeatedReconnectFilter.CONTAINER_LOGGER);
        for (int attempt = 0; attempt < 3; attempt++) {
            container.error(failure("relay.outbound", attempt));
            container.error(failure("relay.outbound.receipts", attempt));
        }
        container.info("Successfully refreshed JMS Connection");
        container.error(failure("relay.outbound", 0));
        container.warn("Setup of JMS message listener invoker failed for destination 'relay.outbound' - trying to "
                + "recover. Cause: Session is closed");
        container.warn("Setup of JMS message listener invoker failed for destination 'relay.outbound' - trying to "
                + "recover. Cause: Session is closed");

        assertThat(messages()).containsExactly(failure("relay.outbound", 0), failure("relay.outbound.receipts", 0),
                "Successfully refreshed JMS Connection", failure("relay.outbound", 0),
                "Setup of JMS message listener invoker failed for destination 'relay.outbound' - trying to recover. "
                        + "Cause: Session is closed",
                "Setup of JMS message listener invoker failed for destination 'relay.outbound' - trying to recover. "
                        + "Cause: Session is closed");
    }

    @Test
    void leaves_the_same_text_from_other_loggers_alone() {
        Logger other = context.getLogger("dev.oauthsmtprelay.queue");
        other.error(failure("relay.outbound", 0));
        other.error(failure("relay.outbound", 1));
        assertThat(messages()).hasSize(2);
    }

    @Test
    void the_relay_s_logging_puts_one_filter_on_each_appender_and_none_among_the_turbo_filters() {
        LoggerContext relayLogging = (LoggerContext) LoggerFactory.getILoggerFactory();
        LoggingSetup.apply(null, null, "text");
        LoggingSetup.apply(null, null, "text");

        Logger root = relayLogging.getLogger(Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(appenders::add);
        assertThat(appenders).isNotEmpty().allSatisfy(appender -> assertThat(appender.getCopyOfAttachedFiltersList())
                .filteredOn(RepeatedReconnectFilter.class::isInstance).hasSize(1));
        assertThat(relayLogging.getTurboFilterList()).as("every logging call would ask a turbo filter").isEmpty();
    }

    private List<String> messages() {
        return appended.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    private static String failure(String queue, int attempt) {
        return "Could not refresh JMS Connection for destination '" + queue + "' - retrying using "
                + "FixedBackOffExecution[interval=5000, currentAttempts=" + attempt + ", maxAttempts=unlimited]. "
                + "Cause: AMQ219007: Cannot connect to server(s). Tried with all available servers.";
    }
}
