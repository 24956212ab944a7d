package dev.oauthsmtprelay.app.karaf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.Eventually;
import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.HttpGet;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * The relay as an OSGi bundle in a real Apache Karaf: the feature repository added and the feature installed from
 * the shell, configured by {@code etc/dev.oauthsmtprelay.cfg}, delivering a spool file through a STARTTLS + XOAUTH2
 * hub with tokens from a real token server. Runs in {@code mvn verify} (failsafe), after the bundle is packaged.
 */
class KarafRelayIT {

    private static final String ARTIFACT_PATH = "dev/oauthsmtprelay/oauth-smtp-relay";

    @TempDir
    Path dir;

    private TokenServer tokenServer;
    private XOAuth2SmtpHub hub;
    private KarafInstance karaf;

    @BeforeEach
    void startServers() {
        tokenServer = new TokenServer();
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google")).start();
    }

    @AfterEach
    void stopServers() throws Exception {
        if (karaf != null) {
            karaf.close();
            // kept for reading after a failure in CI
            Files.writeString(Path.of("target", "karaf-it.log"), karaf.log());
        }
        hub.close();
        tokenServer.close();
    }

    @Test
    void should_start_the_installed_feature_from_its_cfg_file_and_deliver_a_spool_file() throws Exception {
        String version = property("relay.version");
        karaf = KarafInstance.prepare(Path.of(property("karaf.distribution")), dir.resolve("karaf"),
                stageBuildArtifacts(version));
        long startedAt = System.nanoTime();
        karaf.start(Duration.ofSeconds(90));
        long karafStarted = System.nanoTime();
        karaf.run(Duration.ofSeconds(30), "feature:repo-add mvn:dev.oauthsmtprelay/oauth-smtp-relay/" + version
                + "/xml/features");
        karaf.run(Duration.ofSeconds(60), "feature:install oauth-smtp-relay");
        long installed = System.nanoTime();
        assertThat(karaf.run(Duration.ofSeconds(10), "bundle:list -s")).contains("dev.oauthsmtprelay");
        Eventually.await(Duration.ofSeconds(10), () -> karaf.log().contains("oauth-smtp-relay waits for its "
                + "configuration"), () -> "the bundle to wait for etc/dev.oauthsmtprelay.cfg; log:\n" + karaf.log());

        // as in config/karaf/dev.oauthsmtprelay.cfg: Karaf replaces ${karaf.data}
        Path spool = dir.resolve("karaf").resolve("data").resolve("oauth-smtp-relay").resolve("spool");
        int healthPort = FreePort.find();
        Path credentials = TestCredentials.write(dir, "gmail.json",
                TestCredentials.googleFields(tokenServer.tokenEndpoint("google"), "example.com"));
        karaf.writeConfiguration("dev.oauthsmtprelay.cfg", cfg(Map.of("relay.credentials", credentials)));
        Eventually.await(Duration.ofSeconds(20), () -> karaf.log().contains("oauth-smtp-relay did not start: "
                + "Configuration key 'relay.alias-domain' is not set"),
                () -> "the relay to name the missing key; log:\n" + karaf.log());

        karaf.writeConfiguration("dev.oauthsmtprelay.cfg", cfg(Map.of(
                "relay.credentials", credentials,
                "relay.alias-domain", "example.com",
                "relay.smtp.host", hub.hostName(),
                "relay.smtp.port", hub.port(),
                "relay.smtp.trust-store", hub.certificatePemPath(),
                "relay.data.dir", "${karaf.data}/oauth-smtp-relay",
                "relay.health.port", healthPort,
                "relay.spool.min-age", "100ms")));
        long configured = System.nanoTime();
        Files.createDirectories(spool);
        Files.writeString(spool.resolve(".karaf.tmp"),
                "From: app@example.com\r\nTo: user@example.net\r\nSubject: from Karaf\r\n\r\nhello\r\n");
        Files.move(spool.resolve(".karaf.tmp"), spool.resolve("karaf.eml"));

        XOAuth2SmtpHub.ReceivedMessage received;
        try {
            received = hub.awaitMessages(1, Duration.ofSeconds(60)).get(0);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("No delivery from Karaf; Karaf log:\n" + karaf.log(), e);
        }
        long delivered = System.nanoTime();
        assertThat(received.authenticatedMailbox()).isEqualTo("app@example.com");
        assertThat(received.overTls()).isTrue();
        assertThat(received.dataAsString()).contains("Subject: from Karaf");
        assertThat(karaf.log()).contains("Relaying " + spool);
        assertThat(HttpGet.get(healthPort, "/health/ready").statusCode()).isEqualTo(200);
        System.out.printf("Karaf %s: started in %d ms, feature:repo-add + feature:install in %d ms, "
                        + "first delivery %d ms after the corrected etc/dev.oauthsmtprelay.cfg was written%n",
                Path.of(property("karaf.distribution")).getFileName(), millis(startedAt, karafStarted),
                millis(karafStarted, installed), millis(configured, delivered));
    }

    /** The bundle and features.xml in a Maven repository layout, where Karaf's pax-url-mvn finds them offline. */
    private Path stageBuildArtifacts(String version) throws IOException {
        Path repository = dir.resolve("repository");
        Path versionDir = repository.resolve(ARTIFACT_PATH).resolve(version);
        Files.createDirectories(versionDir);
        Files.copy(Path.of(property("relay.osgi.bundle")),
                versionDir.resolve("oauth-smtp-relay-" + version + "-osgi.jar"));
        Files.copy(Path.of(property("relay.karaf.features")),
                versionDir.resolve("oauth-smtp-relay-" + version + "-features.xml"));
        return repository;
    }

    private static String cfg(Map<String, Object> settings) {
        return settings.entrySet().stream()
                .map(e -> e.getKey() + " = " + String.valueOf(e.getValue()).replace("\\", "\\\\"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** Set by the failsafe configuration in pom.xml. */
    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("System property " + name + " is not set: run this test with "
                    + "'mvn verify -Dit.test=KarafRelayIT', which packages the bundle and unpacks Karaf first.");
        }
        return value;
    }

    private static long millis(long from, long to) {
        return Duration.ofNanos(to - from).toMillis();
    }
}
