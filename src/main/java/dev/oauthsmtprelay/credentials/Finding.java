package dev.oauthsmtprelay.credentials;

/** One problem found in a credentials file: which field, what is wrong, and how to fix it. */
public record Finding(Severity severity, String field, String message) {

    public enum Severity { ERROR, WARNING }

    public static Finding error(String field, String message) {
        return new Finding(Severity.ERROR, field, message);
    }

    public static Finding warning(String field, String message) {
        return new Finding(Severity.WARNING, field, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
