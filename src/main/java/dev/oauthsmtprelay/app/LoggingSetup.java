package dev.oauthsmtprelay.app;

import java.util.Locale;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Applies {@code relay.log.level}, {@code relay.log.file} (rotated by size, 5 files kept) and
 * {@code relay.log.format} (text or Logback's JSON, on the console appender of {@link DefaultLogging} and the
 * file), and keeps camel-jms's reconnect errors to one per outage ({@link RepeatedReconnectFilter}).
 */
public final class LoggingSetup {

    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";
    /** Camel's list of every property and where it came from: {@link DefaultLogging} keeps it below INFO. */
    static final String CAMEL_PROPERTIES_SUMMARY = "org.apache.camel.main.BaseMainSupport";
    private static final String FILE = "relay-file";

    private LoggingSetup() {
    }

    public static void apply(String level, String file, String format) {
        boolean json = json(format);
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
            if (parsed.isGreaterOrEqual(Level.INFO)) {
                context.getLogger(CAMEL_PROPERTIES_SUMMARY).setLevel(Level.WARN);
            } else {
                context.getLogger(CAMEL_PROPERTIES_SUMMARY).setLevel(Level.INFO);
            }
        }
        if (root.getAppender(DefaultLogging.CONSOLE) instanceof OutputStreamAppender<ILoggingEvent> console
                && (console.getEncoder() instanceof JsonEncoder) != json) {
            console.stop();
            console.setEncoder(json ? jsonEncoder(context) : patternEncoder(context, DefaultLogging.CONSOLE_PATTERN));
            console.start();
        }
        if (file != null && !file.isBlank() && root.getAppender(FILE) == null) {
            root.addAppender(rollingFile(context, file.trim(), json));
        }
        root.iteratorForAppenders().forEachRemaining(LoggingSetup::filterRepeatedReconnects);
    }

    private static void filterRepeatedReconnects(Appender<ILoggingEvent> appender) {
        if (appender.getCopyOfAttachedFiltersList().stream().noneMatch(RepeatedReconnectFilter.class::isInstance)) {
            RepeatedReconnectFilter filter = new RepeatedReconnectFilter();
            filter.setContext(appender.getContext());
            filter.start();
            appender.addFilter(filter);
        }
    }

    private static boolean json(String format) {
        String value = format == null ? "text" : format.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "text" -> false;
            case "json" -> true;
            default -> throw new ConfigurationException(RelayKeys.LOG_FORMAT + " is '" + format
                    + "'. Use text (readable lines) or json (one JSON object per line).");
        };
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // the message as printed, not its template and arguments apart; no per-event copy of the context's
        // properties and MDC, which the relay does not use
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithContext(false);
        encoder.start();
        return encoder;
    }

    static Encoder<ILoggingEvent> patternEncoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    private static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext context, String file, boolean json) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(FILE);
        appender.setFile(file);
        appender.setEncoder(json ? jsonEncoder(context) : patternEncoder(context, PATTERN));

        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(5);
        rolling.start();

        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
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
