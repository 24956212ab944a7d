package dev.oauthsmtprelay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class DefaultLoggingTest {

    private final LoggerContext context = new LoggerContext();

    @Test
    void without_an_xml_configuration_the_relay_logs_info_and_the_libraries_warnings_to_standard_error()
            throws IOException {
        try (URLClassLoader nothing = new URLClassLoader(new URL[0], null)) {
            DefaultLogging logging = new DefaultLogging(nothing);
            logging.setContext(context);

            assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.INFO);
            assertThat(root.getAppender(DefaultLogging.CONSOLE)).isInstanceOfSatisfying(ConsoleAppender.class,
                    console -> {
                        assertThat(console.isStarted()).isTrue();
                        assertThat(console.getTarget()).isEqualTo("System.err");
                    });
            assertThat(context.getLogger("org.apache.activemq.artemis.core.server").getEffectiveLevel())
                    .isEqualTo(Level.WARN);
            assertThat(context.getLogger(LoggingSetup.CAMEL_PROPERTIES_SUMMARY).getEffectiveLevel())
                    .isEqualTo(Level.WARN);
            assertThat(context.getLogger("org.apache.camel.impl.engine").getEffectiveLevel()).isEqualTo(Level.INFO);
            assertThat(context.getLogger("org.quartz.core").getEffectiveLevel()).isEqualTo(Level.WARN);
            assertThat(context.getLogger("dev.oauthsmtprelay.delivery").isInfoEnabled()).isTrue();
        } finally {
            context.stop();
        }
    }

    @Test
    void a_logback_xml_of_ones_own_takes_over() {
        // the test class path holds logback-test.xml, as an application's would hold its logback.xml
        DefaultLogging logging = new DefaultLogging(DefaultLoggingTest.class.getClassLoader());
        logging.setContext(context);

        assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }
}
