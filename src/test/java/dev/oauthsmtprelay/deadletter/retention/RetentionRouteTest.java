package dev.oauthsmtprelay.deadletter.retention;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.app.RelayRoutes;
import dev.oauthsmtprelay.deadletter.DeadLetter;
import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** The retention job on its camel-quartz schedule inside a running relay. */
class RetentionRouteTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final RelayTestBed bed = RelayTestBed.tokenServerPerClass();

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private RelayHarness relay;

    private RelayHarness relay(Map<String, Object> extra) {
        hub = bed.hub();
        return bed.harness(dir, extra);
    }

    private static DeadLetter letter(String id, Instant lastAttempt) {
        return new DeadLetter(id, "From: a@example.com\r\nTo: b@example.net\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8),
                "a@example.com", List.of("b@example.net"), "a@example.com", "550 5.1.1 user unknown", "550 5.1.1",
                1, lastAttempt, lastAttempt, "spool:" + id + ".eml");
    }

    @Test
    void should_delete_old_dead_letters_and_archived_files_when_the_cron_job_fires_and_keep_recent_ones()
            throws Exception {
        Path archive = dir.resolve("archive");
        Files.createDirectories(archive);
        Path oldFile = Files.writeString(archive.resolve("old.eml"), "old");
        Files.setLastModifiedTime(oldFile, FileTime.from(Instant.now().minus(Duration.ofDays(10))));
        Path newFile = Files.writeString(archive.resolve("new.eml"), "new");
        DeadLetterStore store = DeadLetterStore.inDataDir(dir.resolve("data"));
        store.write(letter("old-letter", Instant.now().minus(Duration.ofDays(40))));
        store.write(letter("new-letter", Instant.now().minus(Duration.ofDays(2))));

        relay = relay(Map.of("relay.retention.cron", "* * * * * ?", "relay.retention.dead-letters", "30d",
                "relay.retention.archive", "7d", "relay.spool.archive-dir", archive)).start();

        await(WAIT, () -> !store.exists("old-letter") && !Files.exists(oldFile),
                () -> "the old dead letter and the old archived file deleted");
        assertThat(store.exists("new-letter")).isTrue();
        assertThat(newFile).exists();
        assertThat(relay.context().getRoute(RelayRoutes.RETENTION).getEndpoint().getEndpointUri())
                .startsWith("quartz://relay/retention");
        assertThat(relay.context().getComponent("quartz", QuartzComponent.class).getScheduler().getMetaData()
                .getThreadPoolSize()).as("Quartz's idle workers each wake twice a second: two, not its default ten")
                .isEqualTo(2);
    }

    @Test
    void should_not_schedule_retention_when_the_cron_key_is_empty() {
        relay = relay(Map.of("relay.retention.cron", "")).start();

        assertThat(relay.context().getRoute(RelayRoutes.RETENTION)).isNull();
    }

    @Test
    void should_refuse_to_start_with_an_invalid_cron_expression_and_name_the_key() {
        relay = relay(Map.of("relay.retention.cron", "every night"));

        assertThatThrownBy(relay::start).rootCause().hasMessageContaining("relay.retention.cron")
                .hasMessageContaining("0 0 3 * * ?");
    }
}
