package dev.oauthsmtprelay.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version Maven built, from {@code relay-version.properties} (a filtered resource, see pom.xml). */
public final class RelayVersion {

    private static final String VERSION = read();

    private RelayVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = RelayVersion.class.getResourceAsStream("relay-version.properties")) {
            if (in == null) {
                // classes compiled outside Maven (an IDE without resource filtering)
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
