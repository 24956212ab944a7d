package dev.oauthsmtprelay.app;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The relay's logging until {@code relay.log.*} is applied ({@link LoggingSetup}): the relay's INFO and the
 * libraries' warnings on standard error. Built in code, not read from a {@code logback.xml}: Logback's XML
 * configurator and the JDK's XML parser are ~440 classes, which stay loaded for as long as the relay runs.
 * Logback finds this class as a service. An XML configuration still takes over where there is one: the
 * {@code logback.configurationFile} system property, or a {@code logback-test.xml} or {@code logback.xml} on the
 * class path (an application that embeds the relay, the tests).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {

    static final String CONSOLE = "console";
    static final String CONSOLE_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n";

    private final ClassLoader resources;

    public DefaultLogging() {
        this(DefaultLogging.class.getClassLoader());
    }

    /** {@code resources}: where a {@code logback.xml} or {@code logback-test.xml} would be found. */
    DefaultLogging(ClassLoader resources) {
        this.resources = resources;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (xmlConfigurationGiven()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(CONSOLE);
        console.setTarget("System.err");
        console.setEncoder(LoggingSetup.patternEncoder(context, CONSOLE_PATTERN));
        console.start();

        context.getLogger("org.apache.activemq").setLevel(Level.WARN);
        context.getLogger("org.apache.camel").setLevel(Level.INFO);
        // Camel's list of every property (50 lines) at start-up; the relay prints its own summary, secrets
        // redacted. relay.log.level=DEBUG shows Camel's list again (LoggingSetup).
        context.getLogger(LoggingSetup.CAMEL_PROPERTIES_SUMMARY).setLevel(Level.WARN);
        context.getLogger("org.quartz").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private boolean xmlConfigurationGiven() {
        return System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
                || resources.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                || resources.getResource(ClassicConstants.AUTOCONFIG_FILE) != null;
    }
}
