package dev.oauthsmtprelay.intake.jms;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * IBM MQ as docs/jms.md configures it: the Jakarta client's {@code MQConnectionFactory} defined with
 * {@code camel.beans.*} keys in the relay's file and named by {@code relay.jms.connection-factory}, under
 * {@code RelayCli run}. No queue manager can run here, so the test proves the wiring: the relay starts, its intake
 * uses the factory, and the connection failure names the queue manager, the client mode and host(port) from the keys.
 */
class IbmMqConnectionFactoryTest {

    @TempDir
    Path dir;

    @Test
    void the_mq_factory_is_built_from_camel_beans_keys_and_its_failure_names_what_was_configured() throws Exception {
        int closedPort = FreePort.find();
        try (TokenServer tokens = new TokenServer(); XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder().start()) {
            Path credentials = TestCredentials.microsoftFile(dir, tokens);
            RelayProcess relay = RelayProcess.forHub(dir, credentials, hub, Map.of(
                    "camel.beans.mqFactory", "#class:com.ibm.mq.jakarta.jms.MQConnectionFactory",
                    "camel.beans.mqFactory.hostName", "127.0.0.1",
                    "camel.beans.mqFactory.port", closedPort,
                    "camel.beans.mqFactory.queueManager", "QM1",
                    "camel.beans.mqFactory.channel", "DEV.APP.SVRCONN",
                    "camel.beans.mqFactory.transportType", "1",
                    "relay.jms.connection-factory", "#mqFactory",
                    "relay.jms.queues", "MAIL.OUTGOING",
                    "relay.jms.dead-letter-queue", "MAIL.OUTGOING.INVALID",
                    "relay.log.level", "INFO"));
            try (relay) {
                relay.start();
                await(Duration.ofSeconds(60), () -> relay.log().contains("JMSWMQ0018"),
                        () -> "the MQ client's connection failure; log:\n" + relay.logTail());
                assertThat(relay.log()).contains("Taking messages from JMS queues [MAIL.OUTGOING] on #mqFactory")
                        .contains("queue manager 'QM1'").contains("'Client'")
                        .contains("127.0.0.1(" + closedPort + ")");
                assertThat(relay.isAlive()).as("the relay keeps running while MQ is unreachable").isTrue();
            }
        }
    }
}
