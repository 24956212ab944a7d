package dev.oauthsmtprelay.app;

import java.util.Locale;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/** Applies {@code relay.log.level} and {@code relay.log.file} (rotated by size, 5 files kept). */
public final class LoggingSetup {

    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

    private LoggingSetup() {
    }

    public static void apply(String level, String file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (level != null && !level.isBlank()) {
            Level parsed = Level.toLevel(level.trim().toUpperCase(Locale.ROOT), null);
            if (parsed == null) {
                throw new ConfigurationException(RelayKeys.LOG_LEVEL + " is '" + level
                        + "'. Use one of ERROR, WARN, INFO, DEBUG, TRACE.");
            }
            context.getLogger("dev.oauthsmtprelay").setLevel(parsed);
        }
        if (file != null && !file.isBlank() && root.getAppender("relay-file") == null) {
            root.addAppender(rollingFile(context, file.trim()));
        }
    }

    private static RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> rollingFile(LoggerContext context,
                                                                                          String file) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();

        RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("relay-file");
        appender.setFile(file);
        appender.setEncoder(encoder);

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(5);
        rolling.start();

        SizeBasedTriggeringPolicy<ch.qos.logback.classic.spi.ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf("10MB"));
        trigger.start();

        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.start();
        if (!appender.isStarted()) {
            throw new ConfigurationException(RelayKeys.LOG_FILE + " " + file + " cannot be written. Check that its "
                    + "directory exists and the relay's user may write there.");
        }
        return appender;
    }
}
