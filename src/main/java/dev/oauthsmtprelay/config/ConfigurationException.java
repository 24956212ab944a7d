package dev.oauthsmtprelay.config;

/** The relay's configuration is incomplete or inconsistent; the message says which key and how to fix it. */
public class ConfigurationException extends RuntimeException {

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
