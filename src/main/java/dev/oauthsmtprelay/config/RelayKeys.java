package dev.oauthsmtprelay.config;

import static dev.oauthsmtprelay.config.Key.Flag.OFF_WHEN_EMPTY;
import static dev.oauthsmtprelay.config.Key.Flag.SECRET;
import static dev.oauthsmtprelay.config.ValueType.BOOL;
import static dev.oauthsmtprelay.config.ValueType.DURATION;
import static dev.oauthsmtprelay.config.ValueType.LIST;
import static dev.oauthsmtprelay.config.ValueType.LONG;
import static dev.oauthsmtprelay.config.ValueType.PATH;
import static dev.oauthsmtprelay.config.ValueType.PERCENT;
import static dev.oauthsmtprelay.config.ValueType.STRING;
import static dev.oauthsmtprelay.config.ValueType.integer;
import static dev.oauthsmtprelay.config.ValueType.oneOf;
import static dev.oauthsmtprelay.config.ValueType.number;
import static dev.oauthsmtprelay.config.ValueType.wholeNumber;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@code relay.*} key, once: name, form, default and one line of documentation, grouped by {@link Stage}.
 * The defaults live only here; {@link RelayConfigLocations#defaults()} turns them into Camel's initial properties,
 * so the routes' {@code {{relay...}}} placeholders see them too. A key without a default is unset unless the
 * administrator sets it; what "unset" means is in its documentation. docs/configuration.md and
 * config/relay.sample.properties describe the same keys, which a test holds them to.
 */
public final class RelayKeys {

    private static final List<Key<?>> ALL = new ArrayList<>();

    // General
    public static final Key<Path> DATA_DIR = key("relay.data.dir", Stage.GENERAL, PATH, "data",
            "Directory of the relay's own state (broker journal, dead letters); relative to the working directory.");
    public static final Key<Path> ROUTES_DIR = key("relay.routes.dir", Stage.GENERAL, PATH, null,
            "Folder of your own *.yaml route files, loaded after the relay's; unset = none.");
    public static final Key<String> LOG_LEVEL = key("relay.log.level", Stage.GENERAL, STRING, "INFO",
            "Log level of the relay: ERROR, WARN, INFO, DEBUG or TRACE; tokens and secrets are never logged.");
    public static final Key<String> LOG_FILE = key("relay.log.file", Stage.GENERAL, STRING, null,
            "Also write the log to this file, rotated at 10 MB, 5 files kept; unset = console only.");
    public static final Key<String> LOG_FORMAT = key("relay.log.format", Stage.GENERAL, STRING, "text",
            "text = one readable line per event; json = one JSON object per line (Logback's JsonEncoder), console and file.");

    // Credentials and tokens
    public static final Key<String> CREDENTIALS = key("relay.credentials", Stage.CREDENTIALS, STRING, null,
            "Credentials file, comma-separated files, or a directory of *.json: one account each; required; chmod 600.");
    public static final Key<Boolean> CREDENTIALS_ENABLED = key("relay.credentials.enabled", Stage.CREDENTIALS, BOOL,
            "true", "false = no tokens are requested: delivery waits and messages stay queued.");
    public static final Key<Boolean> CREDENTIALS_STRICT_PERMISSIONS = key("relay.credentials.strict-permissions",
            Stage.CREDENTIALS, BOOL, "false",
            "true = refuse a credentials file that group or others may read, instead of warning.");
    public static final Key<String> ALIAS_DOMAIN = key("relay.alias-domain", Stage.CREDENTIALS, STRING, null,
            "The mail domain the relay sends for by default; required, one credentials file's \"domain\" or \"domains\".");
    public static final Key<Duration> TOKEN_REFRESH_AHEAD = key("relay.token.refresh-ahead", Stage.CREDENTIALS,
            DURATION, "5m", "A cached token is refreshed when it expires within this time.");
    public static final Key<Duration> TOKEN_BACKOFF_INITIAL = key("relay.token.backoff.initial", Stage.CREDENTIALS,
            DURATION, "1s", "After a failed token request, the next one for the same key waits this long; doubles.");
    public static final Key<Duration> TOKEN_BACKOFF_MAX = key("relay.token.backoff.max", Stage.CREDENTIALS,
            DURATION, "5m", "Upper limit of that doubling wait.");
    public static final Key<Duration> TOKEN_TIMEOUT = key("relay.token.timeout", Stage.CREDENTIALS, DURATION, "10s",
            "Connect timeout and read timeout of a token request.");

    // Spool intake
    public static final Key<Path> SPOOL_DIR = key("relay.spool.dir", Stage.SPOOL, PATH, "{{relay.data.dir}}/spool",
            "Spool directory messages (*.eml, *.json) are taken from; unusable files go to its .error/.");
    public static final Key<Path> SPOOL_ARCHIVE_DIR = key("relay.spool.archive-dir", Stage.SPOOL, PATH, null,
            "Move taken spool files here once queued, instead of deleting them; unset = delete.");
    public static final Key<Path> SPOOL_RECEIPTS_DIR = key("relay.spool.receipts-dir", Stage.SPOOL, PATH, null,
            "Write a delivery receipt <file>.receipt.json here for every spool file; unset = none.");
    public static final Key<Duration> SPOOL_MIN_AGE = key("relay.spool.min-age", Stage.SPOOL, DURATION, "1s",
            "A spool file is taken when at least this old and unchanged between two checks.");
    public static final Key<Duration> SPOOL_CHECK_INTERVAL = key("relay.spool.check-interval", Stage.SPOOL, DURATION,
            "250", "Time between those two checks (a plain number is milliseconds).");
    public static final Key<Duration> SPOOL_LOCK_TIMEOUT = key("relay.spool.lock-timeout", Stage.SPOOL, DURATION,
            "3s", "How long a poll waits for a file still being written before it goes on; it is looked at next poll.");
    public static final Key<Duration> SPOOL_POLL_INTERVAL = key("relay.spool.poll-interval", Stage.SPOOL, DURATION,
            "500",
            "How often a spool that holds files is scanned, or any spool without file events (plain number: ms).");
    public static final Key<Duration> SPOOL_IDLE_POLL_INTERVAL = key("relay.spool.idle-poll-interval", Stage.SPOOL,
            DURATION, "10s", "How often an empty spool is scanned where new files are reported at once (local disks).");
    public static final Key<Integer> SPOOL_MAX_PER_POLL = key("relay.spool.max-per-poll", Stage.SPOOL,
            integer(1, Integer.MAX_VALUE), "500", "Files taken per scan, which bounds memory with a large backlog.");
    public static final Key<Integer> SPOOL_INTAKE_THREADS = key("relay.spool.intake-threads", Stage.SPOOL,
            integer(1, Integer.MAX_VALUE), "8", "Spool files parsed and queued at the same time.");
    public static final Key<Long> SPOOL_MAX_BYTES_IN_FLIGHT = key("relay.spool.max-bytes-in-flight", Stage.SPOOL,
            wholeNumber(1), null,
            "Bytes of spool files the intake threads hold at once; unset = an eighth of the JVM's maximum heap.");
    public static final Key<Duration> SPOOL_WARNING_INTERVAL = key("relay.spool.warning-interval", Stage.SPOOL,
            DURATION, "5m",
            "While spool files wait for a lasting reason (disk full, broker stopped), remind this often.");
    public static final Key<Duration> SPOOL_READ_TIMEOUT = key("relay.spool.read-timeout", Stage.SPOOL, DURATION,
            "30s", "A spool file whose read takes longer is left in the spool; the intake goes on with the others.");

    // Message checks
    public static final Key<Long> INTAKE_MAX_SIZE = key("relay.intake.max-size", Stage.MESSAGES, wholeNumber(1),
            "36700160", "Largest message accepted, in bytes (35 MB); a larger spool file goes to .error/.");
    public static final Key<List<String>> INTAKE_ATTACHMENT_DIRS = key("relay.intake.attachment-dirs",
            Stage.MESSAGES, LIST, null,
            "Comma-separated directories JSON messages may attach files from by \"path\"; unset = none.");
    public static final Key<Integer> INTAKE_MAX_RECIPIENTS = key("relay.intake.max-recipients", Stage.MESSAGES,
            integer(1, Integer.MAX_VALUE), "500", "Most envelope recipients (To + Cc + Bcc) one message may have.");

    // JMS intake
    public static final Key<String> JMS_URL = key("relay.jms.url", Stage.JMS, STRING, null,
            "Take messages from queues on this ActiveMQ Artemis broker (tcp://host:61616); unset = no JMS intake.");
    public static final Key<String> JMS_CONNECTION_FACTORY = key("relay.jms.connection-factory", Stage.JMS, STRING,
            null, "Instead of relay.jms.url: a jakarta.jms.ConnectionFactory bean (#name) of any broker.");
    public static final Key<String> JMS_USER = key("relay.jms.user", Stage.JMS, STRING, null,
            "User name at the intake broker.");
    public static final Key<String> JMS_PASSWORD = key("relay.jms.password", Stage.JMS, STRING, null,
            "Password of that user.", SECRET);
    public static final Key<List<String>> JMS_QUEUES = key("relay.jms.queues", Stage.JMS, LIST, null,
            "Comma-separated intake queues, one route each; required with JMS intake.");
    public static final Key<String> JMS_DEAD_LETTER_QUEUE = key("relay.jms.dead-letter-queue", Stage.JMS, STRING,
            "relay.intake.invalid", "Queue on the intake broker that invalid messages go to.");
    public static final Key<String> JMS_RECEIPTS = key("relay.jms.receipts", Stage.JMS, STRING, null,
            "Queue on the intake broker that gets a delivery receipt for every message; unset = to JMSReplyTo only.");
    public static final Key<Integer> JMS_CONCURRENCY = key("relay.jms.concurrency", Stage.JMS,
            integer(1, Integer.MAX_VALUE).hint("Set the consumers per queue, e.g. 4."), "4",
            "Consumers per intake queue.");

    // SMTP listener
    public static final Key<Boolean> LISTENER_ENABLED = key("relay.listener.enabled", Stage.LISTENER, BOOL, "false",
            "true = run the SMTP listener for LAN clients (IBM i CHGSMTPA, printers, applications).");
    public static final Key<String> LISTENER_HOST = key("relay.listener.host", Stage.LISTENER, STRING, "127.0.0.1",
            "Address the listener binds to; 0.0.0.0 for every interface (then set the allowed networks).");
    public static final Key<Integer> LISTENER_PORT = key("relay.listener.port", Stage.LISTENER, integer(0, 65535),
            "2525", "TCP port of the listener; 0 = any free port.");
    public static final Key<String> LISTENER_HOST_NAME = key("relay.listener.hostname", Stage.LISTENER, STRING, null,
            "Name in the greeting and the Received: header; unset = this machine's name.");
    public static final Key<String> LISTENER_ALLOWED_NETWORKS = key("relay.listener.allowed-networks",
            Stage.LISTENER, STRING, "127.0.0.0/8,::1/128",
            "Comma-separated CIDR blocks of the clients that may connect; others get 554 naming this key.");
    public static final Key<String> LISTENER_ALLOWED_SENDERS = key("relay.listener.allowed-senders", Stage.LISTENER,
            STRING, null, "Patterns for MAIL FROM and From (*@example.com, qsysopr@*); unset = the accounts' domains + relay.users.");
    public static final Key<Integer> LISTENER_MAX_MESSAGE_SIZE = key("relay.listener.max-message-size",
            Stage.LISTENER, integer(1, Integer.MAX_VALUE - 1), null,
            "Largest message in bytes, advertised as SIZE (552 above it); unset = relay.intake.max-size.");
    public static final Key<Integer> LISTENER_MAX_CONNECTIONS = key("relay.listener.max-connections",
            Stage.LISTENER, integer(1, 100_000), "100", "Open connections in total; more get 421.");
    public static final Key<Integer> LISTENER_MAX_CONNECTIONS_PER_CLIENT = key(
            "relay.listener.max-connections-per-client", Stage.LISTENER, integer(1, 100_000), "20",
            "Open connections from one client address; more get 421.");
    public static final Key<Duration> LISTENER_COMMAND_TIMEOUT = key("relay.listener.command-timeout",
            Stage.LISTENER, DURATION, "5m", "Longest wait for one command line (RFC 5321: at least 5 minutes).");
    public static final Key<Duration> LISTENER_DATA_TIMEOUT = key("relay.listener.data-timeout", Stage.LISTENER,
            DURATION, "10m", "Longest time for the whole DATA section.");
    public static final Key<String> LISTENER_TLS = key("relay.listener.tls", Stage.LISTENER, STRING, "none",
            "none, starttls (offered) or required (no MAIL before STARTTLS); needs the certificate and key.");
    public static final Key<Path> LISTENER_TLS_CERTIFICATE = key("relay.listener.tls.certificate", Stage.LISTENER,
            PATH, null, "PEM file: the listener's certificate, then its intermediates.");
    public static final Key<Path> LISTENER_TLS_KEY = key("relay.listener.tls.key", Stage.LISTENER, PATH, null,
            "PEM file: its unencrypted PKCS#8 private key; readable by the relay's user only.");
    public static final Key<List<String>> LISTENER_TLS_PROTOCOLS = key("relay.listener.tls.protocols",
            Stage.LISTENER, LIST, "TLSv1.3,TLSv1.2",
            "TLS versions spoken; adding TLSv1.1,TLSv1 admits old printers with broken protocols.");
    public static final Key<Boolean> LISTENER_RECEIPTS = key("relay.listener.receipts", Stage.LISTENER, BOOL, "false",
            "Send the envelope sender a delivery notification (RFC 3464) once its message was delivered.");
    public static final Key<String> LISTENER_AUTH = key("relay.listener.auth", Stage.LISTENER, STRING, "none",
            "none, optional or required: AUTH PLAIN and LOGIN, only after STARTTLS.");
    public static final Key<Path> LISTENER_USERS = key("relay.listener.users", Stage.LISTENER, PATH,
            "{{relay.data.dir}}/listener-users", "The listener's users (PBKDF2 hashes), managed with listener-user.");
    public static final Key<Integer> LISTENER_MAX_LOGIN_FAILURES = key("relay.listener.auth.max-failures",
            Stage.LISTENER, integer(1, 1000), "3", "Failed logins on one connection before it is closed.");

    // Queue
    public static final Key<String> BROKER_URL = key("relay.broker.url", Stage.QUEUE, STRING, null,
            "An external ActiveMQ Artemis broker (tcp://host:61616) shared by several relays; unset = embedded.");
    public static final Key<String> BROKER_USER = key("relay.broker.user", Stage.QUEUE, STRING, null,
            "User name at the broker; with the embedded broker it protects relay.broker.listen.");
    public static final Key<String> BROKER_PASSWORD = key("relay.broker.password", Stage.QUEUE, STRING, null,
            "Password of that user.", SECRET);
    public static final Key<String> BROKER_LISTEN = key("relay.broker.listen", Stage.QUEUE, STRING, null,
            "Let the embedded broker also accept TCP connections here (tcp://0.0.0.0:61616); unset = in-VM only.");
    public static final Key<String> BROKER_DELIVERY_QUEUE = key("relay.broker.delivery-queue", Stage.QUEUE, STRING,
            "relay.outbound", "Queue between intake and delivery.");
    public static final Key<String> BROKER_DEAD_LETTER_QUEUE = key("relay.broker.dead-letter-queue", Stage.QUEUE,
            STRING, "relay.deadletter", "The broker's dead-letter address.");
    public static final Key<Duration> BROKER_REDELIVERY_DELAY = key("relay.broker.redelivery-delay", Stage.QUEUE,
            DURATION, "30s", "Wait before a message that failed for a transient reason is tried again.");
    public static final Key<Double> BROKER_REDELIVERY_MULTIPLIER = key("relay.broker.redelivery-multiplier",
            Stage.QUEUE, number(1), "2", "The wait grows by this factor per attempt...");
    public static final Key<Duration> BROKER_MAX_REDELIVERY_DELAY = key("relay.broker.max-redelivery-delay",
            Stage.QUEUE, DURATION, "1h", "...up to this.");
    public static final Key<Integer> BROKER_MAX_DISK_USAGE = key("relay.broker.max-disk-usage", Stage.QUEUE,
            PERCENT, "90", "The embedded broker takes no new messages while the data directory's disk is fuller (%).");
    public static final Key<Duration> BROKER_DISK_SCAN_PERIOD = key("relay.broker.disk-scan-period", Stage.QUEUE,
            DURATION, "5s", "How often the embedded broker measures that disk, and looks whether it can start again "
                    + "after a journal error.");
    public static final Key<Integer> BROKER_JOURNAL_BUFFER_TIMEOUT = key("relay.broker.journal-buffer-timeout-us",
            Stage.QUEUE, integer(1, 1_000_000), "500",
            "Microseconds the embedded broker gathers writes before one disk sync; each 250 waits up to this long.");
    public static final Key<Integer> BROKER_SEND_BATCH = key("relay.broker.send-batch", Stage.QUEUE,
            integer(1, 10_000), "64", "Most waiting intake messages put on the queue in one broker transaction.");

    // Sender mailbox
    public static final Key<Path> USERS = key("relay.users", Stage.SENDER, PATH, null,
            "Sender mapping file, one QSYSOPR = operations@example.com per line; unset = no mapping.");
    public static final Key<String> DEFAULT_SENDER = key("relay.default-sender", Stage.SENDER, STRING, null,
            "Mailbox for senders neither mapped nor in the alias domain; unset = those become dead letters.");
    public static final Key<String> REWRITE_FROM = key("relay.rewrite-from", Stage.SENDER, STRING, "outside-domains",
            "never, outside-domains or always: when From becomes the sender mailbox (original kept as Reply-To).");

    // SMTP hub
    public static final Key<String> SMTP_HOST = key("relay.smtp.host", Stage.SMTP, STRING, null,
            "The hub; unset = smtp.gmail.com or smtp.office365.com, from the credentials file's type.");
    public static final Key<Integer> SMTP_PORT = key("relay.smtp.port", Stage.SMTP, integer(1, 65535)
            .hint("Use the hub's submission port: 587 with relay.smtp.tls=starttls, 465 with implicit."), null,
            "The hub's port; unset = 587, or 465 with relay.smtp.tls=implicit.");
    public static final Key<String> SMTP_TLS = key("relay.smtp.tls", Stage.SMTP, STRING, "starttls",
            "starttls (port 587) or implicit (TLS from the first byte, 465); the certificate is always verified.");
    public static final Key<Path> SMTP_TRUST_STORE = key("relay.smtp.trust-store", Stage.SMTP, PATH, null,
            "PEM file of the CA certificates trusted for the hub; unset = the JVM's trust store.");
    public static final Key<Duration> SMTP_CONNECT_TIMEOUT = key("relay.smtp.connect-timeout", Stage.SMTP, DURATION,
            "30s", "TCP connect timeout to the hub.");
    public static final Key<Duration> SMTP_TIMEOUT = key("relay.smtp.timeout", Stage.SMTP, DURATION, "60s",
            "Read and write timeout on the hub connection.");
    public static final Key<Integer> SMTP_POOL_MAX_PER_MAILBOX = key("relay.smtp.pool.max-per-mailbox", Stage.SMTP,
            integer(1, Integer.MAX_VALUE), "3",
            "Logged-in hub connections kept at once per sender mailbox (Microsoft 365 allows 3).");
    public static final Key<Duration> SMTP_POOL_IDLE_TIMEOUT = key("relay.smtp.pool.idle-timeout", Stage.SMTP,
            DURATION, "30s", "A connection unused this long is closed instead of reused.");
    public static final Key<Integer> SMTP_POOL_MAX_MESSAGES_PER_CONNECTION = key(
            "relay.smtp.pool.max-messages-per-connection", Stage.SMTP, integer(1, Integer.MAX_VALUE), "1000",
            "A connection is closed after this many messages; 1 = no reuse.");
    public static final Key<Boolean> SMTP_PIPELINING = key("relay.smtp.pipelining", Stage.SMTP, BOOL, "true",
            "Send MAIL FROM, RCPT TO and DATA together when the hub offers PIPELINING (RFC 2920).");

    // Microsoft Graph (credentials files with "transport": "graph")
    public static final Key<Integer> GRAPH_MAX_PER_MAILBOX = key("relay.graph.max-per-mailbox", Stage.GRAPH,
            integer(1, 64), "4", "Graph requests in flight at once per sender mailbox (Graph allows 4).");
    public static final Key<Long> GRAPH_DRAFT_THRESHOLD = key("relay.graph.draft-threshold", Stage.GRAPH,
            wholeNumber(0), "3000000",
            "Messages of at least this many bytes are sent as a draft (attachments uploaded, then sent); 0 = all.");
    public static final Key<Duration> GRAPH_TIMEOUT = key("relay.graph.timeout", Stage.GRAPH, DURATION, "60s",
            "How long one Graph request may take before the attempt counts as failed.");

    // Delivery
    public static final Key<Integer> DELIVERY_CONCURRENCY = key("relay.delivery.concurrency", Stage.DELIVERY,
            integer(1, Integer.MAX_VALUE), "8", "Messages delivered in parallel.");
    public static final Key<Integer> DELIVERY_ACK_BATCH = key("relay.delivery.ack-batch", Stage.DELIVERY,
            integer(1, 1000), "8", "Delivered messages a consumer confirms to the queue in one commit; 1 = each alone.");
    public static final Key<Duration> DELIVERY_ACK_MAX_WAIT = key("relay.delivery.ack-max-wait", Stage.DELIVERY,
            DURATION, "50ms", "How long a delivered message may wait for its batch's commit.");
    public static final Key<Integer> PACING_MESSAGES_PER_MINUTE = key("relay.pacing.messages-per-minute",
            Stage.DELIVERY, integer(0, 1_000_000), null,
            "Messages per sender mailbox per minute; unset: 30 for Microsoft 365, none for Google; 0 = no pacing.");
    public static final Key<String> PACING_MAILBOX_GROUPS = key("relay.pacing.mailbox-groups", Stage.DELIVERY,
            oneOf("auto", "true", "false"), "auto",
            "One consumer per mailbox across relays on one broker; auto = shared broker and pacing or quotas.");
    public static final Key<Integer> DELIVERY_RECIPIENTS_PER_TRANSACTION = key(
            "relay.delivery.recipients-per-transaction", Stage.DELIVERY, integer(0, 1_000_000), null,
            "RCPT TO per SMTP transaction, the rest in copies; unset: 500 Microsoft 365, 100 Google; 0 = all.");
    public static final Key<Integer> QUOTA_MESSAGES_PER_DAY = key("relay.quota.messages-per-day", Stage.DELIVERY,
            integer(0, Integer.MAX_VALUE), null,
            "Messages per sender mailbox in 24 h; unset: 2000 for Google, none for Microsoft 365; 0 = no limit.");
    public static final Key<Integer> QUOTA_RECIPIENTS_PER_DAY = key("relay.quota.recipients-per-day", Stage.DELIVERY,
            integer(0, Integer.MAX_VALUE), "10000", "Recipients per sender mailbox in 24 h; 0 = no limit.");
    public static final Key<Duration> DELIVERY_MAX_AGE = key("relay.delivery.max-age", Stage.DELIVERY, DURATION,
            "120h", "A message still failing transiently after this long becomes a dead letter.");
    public static final Key<Long> DELIVERY_STREAM_THRESHOLD = key("relay.delivery.stream-threshold", Stage.DELIVERY,
            LONG, "1048576", "Bytes from which a message is streamed through a file, not held in memory; 0 = never.");
    public static final Key<Duration> DELIVERY_PROBE_INTERVAL = key("relay.delivery.probe-interval", Stage.DELIVERY,
            DURATION, "30s", "While delivery, or a sender mailbox, is paused, how often a login is tried.");

    // Dead letters
    public static final Key<String> RETENTION_CRON = key("relay.retention.cron", Stage.DEAD_LETTERS, STRING,
            "0 0 3 * * ?", "When the retention job runs (Quartz cron, seconds first); empty = never.",
            OFF_WHEN_EMPTY);
    public static final Key<Duration> RETENTION_DEAD_LETTERS = key("relay.retention.dead-letters",
            Stage.DEAD_LETTERS, DURATION, "30d",
            "The retention job deletes dead letters whose last attempt is older than this; 0 = keep them.");
    public static final Key<Duration> RETENTION_ARCHIVE = key("relay.retention.archive", Stage.DEAD_LETTERS,
            DURATION, "7d", "...and files in relay.spool.archive-dir older than this; 0 = keep them.");
    public static final Key<String> ADMIN_ADDRESS = key("relay.admin-address", Stage.DEAD_LETTERS, STRING, null,
            "Where the dead letter digest goes; unset = no digest.");
    public static final Key<String> DIGEST_CRON = key("relay.digest.cron", Stage.DEAD_LETTERS, STRING,
            "0 0 7 * * ?", "When the digest of new dead letters is sent (Quartz cron); empty = never.",
            OFF_WHEN_EMPTY);
    public static final Key<Boolean> DSN_ENABLED = key("relay.dsn.enabled", Stage.DEAD_LETTERS, BOOL, "false",
            "true = tell the envelope sender of each dead letter (RFC 3464); needs relay.default-sender.");

    // Health endpoint
    public static final Key<Integer> HEALTH_PORT = key("relay.health.port", Stage.OPERATIONS, integer(0, 65535)
            .hint("Use 0 to turn the endpoint off."), "0",
            "Local port of the HTTP endpoint for /health, /metrics and /status; 0 = off.");
    public static final Key<String> HEALTH_HOST = key("relay.health.host", Stage.OPERATIONS, STRING, "127.0.0.1",
            "Address that endpoint listens on; it has no authentication.");
    public static final Key<String> CONSOLE_TOKEN = key("relay.console.token", Stage.OPERATIONS, STRING, null,
            "Token that queue actions (hold, release, delete, retry-now) need; unset: the endpoint is read-only.",
            SECRET);

    private static final Map<String, Key<?>> BY_NAME = byName();

    private RelayKeys() {
    }

    /** Every key, in the order of the table. */
    public static List<Key<?>> all() {
        return List.copyOf(ALL);
    }

    public static Optional<Key<?>> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    private static <T> Key<T> key(String name, Stage stage, ValueType<T> type, String defaultText, String doc,
                                  Key.Flag... flags) {
        Key<T> key = new Key<>(name, stage, type, defaultText, doc, flags);
        ALL.add(key);
        return key;
    }

    private static Map<String, Key<?>> byName() {
        Map<String, Key<?>> keys = new LinkedHashMap<>();
        for (Key<?> key : ALL) {
            if (keys.put(key.name(), key) != null) {
                throw new IllegalStateException(key.name() + " is declared twice");
            }
        }
        return keys;
    }
}
