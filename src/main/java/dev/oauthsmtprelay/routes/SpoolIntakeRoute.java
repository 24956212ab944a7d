package dev.oauthsmtprelay.routes;

import org.apache.camel.builder.RouteBuilder;

import dev.oauthsmtprelay.spool.SpoolFileIntake;
import dev.oauthsmtprelay.spool.SpoolIntakeProblems;

/**
 * Spool directory → delivery queue. A file is taken once it is complete (write-then-rename, and
 * unchanged for {@code relay.spool.min-age}); it is deleted (or archived) only after the queue has
 * the message on disk. A large .eml file goes from the file to the queue as a stream (see {@link SpoolFileIntake}).
 */
public final class SpoolIntakeRoute extends RouteBuilder {

    public static final String ROUTE_ID = "relay-spool-intake";
    /** The caching factory: JmsTemplate would otherwise open a broker connection per file. */
    private static final String QUEUE_URI =
            "relayjms:queue:{{relay.broker.delivery-queue}}?connectionFactory=#relayProducerConnectionFactory";

    private final SpoolFileIntake intake;
    private final String completionOption;
    private final SpoolIntakeProblems problems;

    /** @param archiveDir where taken files go; null deletes them */
    public SpoolIntakeRoute(SpoolFileIntake intake, String archiveDir) {
        this(intake, archiveDir, null);
    }

    /**
     * @param problems reports a spool that cannot be written once instead of once per file and poll; it must be
     *                 bound as {@link SpoolIntakeProblems#BEAN}. Null leaves Camel's own warning per file.
     */
    public SpoolIntakeRoute(SpoolFileIntake intake, String archiveDir, SpoolIntakeProblems problems) {
        this.intake = intake;
        this.completionOption = (archiveDir == null ? "delete=true" : "move=" + archiveDir + "/${file:name}")
                + (problems == null ? "" : "&exceptionHandler=#" + SpoolIntakeProblems.BEAN
                        + "&pollStrategy=#" + SpoolIntakeProblems.BEAN);
        this.problems = problems;
    }

    @Override
    public void configure() {
        from("file:{{relay.spool.dir}}?includeExt=eml,json&" + completionOption
                + "&readLock=changed&readLockMinAge={{relay.spool.min-age}}&readLockCheckInterval={{relay.spool.check-interval}}"
                // readLockMinLength=0: an empty file is taken (and rejected with a reason); with the default
                // of 1 byte the read lock waits for it forever and blocks the whole spool behind it.
                // greedy: poll again at once after a poll that found files; the delay applies only to an idle
                // spool (a delay after every poll capped intake at ~600 files/s, bench/README.md).
                + "&readLockMinLength=0&readLockTimeout=0&readLockLoggingLevel=OFF&delay={{relay.spool.poll-interval}}&greedy=true"
                + "&maxMessagesPerPoll={{relay.spool.max-per-poll}}&sortBy=file:modified&autoCreate=true")
                .routeId(ROUTE_ID)
                // Stream caching would copy the stream of a large file into memory before the JMS producer reads it;
                // small files are byte arrays anyway.
                .noStreamCaching()
                .routeConfigurationId(RelayErrorHandling.INTAKE)
                // Several files at once: the broker then syncs their messages to its journal together;
                // one file at a time waits for one disk sync each (measured: ~120 files/s, bench/README.md).
                .threads().poolSize("{{relay.spool.intake-threads}}").maxPoolSize("{{relay.spool.intake-threads}}")
                .callerRunsWhenRejected(true).threadName("relay-spool-intake")
                .process(intake)
                .choice()
                    // A large .eml file: its body is a stream of the file, sent in chunks as an Artemis large message
                    // (a BytesMessage with JMS_AMQ_InputStream); same JmsBinding, so the same JMS properties.
                    .when(exchangeProperty(SpoolFileIntake.STREAMED).isEqualTo(true))
                        .to(QUEUE_URI + "&artemisStreamingEnabled=true&jmsMessageType=Bytes")
                    .otherwise()
                        .to(QUEUE_URI)
                .end()
                .process(exchange -> {
                    if (problems != null) {
                        problems.queued();
                    }
                });
    }
}
