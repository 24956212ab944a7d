package dev.oauthsmtprelay.config;

/**
 * Which part of the relay a key belongs to; docs/configuration.md has one table per stage, under a heading that is
 * the stage's {@link #title()}, and config/relay.sample.properties groups the keys the same way.
 */
public enum Stage {
    GENERAL("General"),
    CREDENTIALS("Credentials and tokens"),
    SPOOL("Spool intake"),
    MESSAGES("Message checks"),
    JMS("JMS intake"),
    LISTENER("SMTP listener"),
    QUEUE("Queue"),
    SENDER("Sender mailbox"),
    SMTP("SMTP hub"),
    GRAPH("Microsoft Graph"),
    DELIVERY("Delivery"),
    DEAD_LETTERS("Dead letters"),
    OPERATIONS("Health endpoint");

    private final String title;

    Stage(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
