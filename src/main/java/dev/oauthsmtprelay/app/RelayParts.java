package dev.oauthsmtprelay.app;

/**
 * The optional parts of the relay that the configuration switched on, bound as {@value #BEAN} for the route
 * files' preconditions ({@code precondition: "${bean:relayParts.digest}"}).
 *
 * @param jmsIntake    {@code relay.jms.url} or {@code relay.jms.connection-factory} is set
 * @param httpEndpoint {@code relay.health.port} is not 0: /health, /metrics and /status
 * @param retention    {@code relay.retention.cron} is not empty
 * @param digest       {@code relay.digest.cron} and {@code relay.admin-address} are set
 * @param dsn          {@code relay.dsn.enabled=true}
 * @param smtpListener {@code relay.listener.enabled=true}
 * @param receipts     JMS intake, {@code relay.spool.receipts-dir} or {@code relay.listener.receipts}: senders may get
 *                     delivery receipts
 */
public record RelayParts(boolean jmsIntake, boolean httpEndpoint, boolean retention, boolean digest, boolean dsn,
                         boolean smtpListener, boolean receipts) {

    public static final String BEAN = "relayParts";
}
