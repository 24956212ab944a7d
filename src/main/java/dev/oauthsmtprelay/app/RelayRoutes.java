package dev.oauthsmtprelay.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Loads the relay's route files (the top-level {@code routes/} folder, packaged into the jar under
 * {@code routes/}) into a Camel context, the same way under camel-main, in a plain context and in Karaf, and
 * then every {@code *.yaml} file of {@code relay.routes.dir}, an operator's own routes. The files are named one
 * by one rather than found by a class-path scan, which OSGi class loaders do not support.
 */
public final class RelayRoutes {

    /** In reading order: the stages, then their error handling. */
    public static final List<String> FILES = List.of("spool-intake.yaml", "jms-intake.yaml", "smtp-intake.yaml",
            "delivery.yaml", "dead-letters.yaml", "scheduled-jobs.yaml", "operations.yaml", "queue-console.yaml",
            "console.yaml", "flow-history.yaml", "credential-expiry.yaml", "receipts.yaml",
            "spool-intake-errors.yaml", "jms-intake-errors.yaml", "smtp-intake-errors.yaml", "delivery-errors.yaml",
            "receipts-errors.yaml");

    public static final String SPOOL_INTAKE = "relay-spool-intake";
    public static final String JMS_INTAKE_PREFIX = "relay-jms-intake-";
    public static final String SMTP_INTAKE = "relay-smtp-intake";
    public static final String DELIVERY = "relay-delivery";
    public static final String DEAD_LETTER = "relay-dead-letter";
    public static final String RETENTION = "relay-retention";
    public static final String DIGEST = "relay-dead-letter-digest";

    private RelayRoutes() {
    }

    /** Loads the route files; call it after the beans they refer to are bound. */
    public static void load(CamelContext context, Path operatorDir) throws Exception {
        List<Resource> resources = new ArrayList<>();
        for (String file : FILES) {
            Resource resource = PluginHelper.getResourceLoader(context).resolveResource("classpath:routes/" + file);
            if (resource == null || !resource.exists()) {
                throw new IllegalStateException("routes/" + file + " is missing from the relay's jar");
            }
            resources.add(resource);
        }
        if (operatorDir != null) {
            resources.addAll(operatorFiles(context, operatorDir));
        }
        PluginHelper.getRoutesLoader(context).loadRoutes(resources);
    }

    /** The spool intake, from its template: a queued file is deleted, or moved to {@code archiveDir} when given. */
    public static void addSpoolIntake(CamelContext context, Path archiveDir) {
        TemplatedRouteBuilder spool = TemplatedRouteBuilder.builder(context, SPOOL_INTAKE).routeId(SPOOL_INTAKE)
                .parameter("delete", String.valueOf(archiveDir == null));
        if (archiveDir != null) {
            spool.parameter("archive", archiveDir + "/${file:name}");
        }
        spool.add();
    }

    /** One JMS intake route per queue, from the template {@code relay-jms-intake}. */
    public static void addJmsIntake(CamelContext context, List<String> queues) {
        for (String queue : queues) {
            TemplatedRouteBuilder.builder(context, "relay-jms-intake").routeId(JMS_INTAKE_PREFIX + queue)
                    .parameter("queue", queue).add();
        }
    }

    private static List<Resource> operatorFiles(CamelContext context, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigurationException("Configuration key '" + RelayKeys.ROUTES_DIR + "' names "
                    + dir.toAbsolutePath() + ", which is not a directory. Create it and put your *.yaml route files "
                    + "in it, or leave the key empty.");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted()
                    .map(f -> PluginHelper.getResourceLoader(context).resolveResource("file:" + f.toAbsolutePath()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the route files in " + dir, e);
        }
    }
}
