package dev.oauthsmtprelay.credentials;

/** The two mail providers and the SMTP facts that go with each. */
public enum Provider {
    GOOGLE("Google Workspace", "https://mail.google.com/", "smtp.gmail.com"),
    MICROSOFT("Microsoft 365", "https://outlook.office365.com/.default", "smtp.office365.com");

    private final String displayName;
    private final String smtpScope;
    private final String defaultSmtpHost;

    Provider(String displayName, String smtpScope, String defaultSmtpHost) {
        this.displayName = displayName;
        this.smtpScope = smtpScope;
        this.defaultSmtpHost = defaultSmtpHost;
    }

    public String displayName() {
        return displayName;
    }

    public String smtpScope() {
        return smtpScope;
    }

    public String defaultSmtpHost() {
        return defaultSmtpHost;
    }
}
