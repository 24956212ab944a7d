package dev.oauthsmtprelay.intake.jms;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.SharedBrokerCluster;

/**
 * Another vendor's connection factory, plugged in without code: {@code camel.beans.*} defines the bean in the relay's
 * configuration file and {@code relay.jms.connection-factory} names it ({@code RelayCli run} under camel-main).
 */
class JmsConnectionFactoryBeanTest {

    @TempDir
    Path dir;

    @Test
    void should_take_messages_through_a_factory_bean_defined_with_camel_beans() throws Exception {
        try (SharedBrokerCluster cluster = new SharedBrokerCluster(dir)) {
            RelayProcess relay = cluster.startRelays(Map.of(
                    "relay.jms.url", "",
                    "camel.beans.vendorFactory", "#class:" + ActiveMQConnectionFactory.class.getName(),
                    "camel.beans.vendorFactory.brokerURL", cluster.brokerUrl(),
                    "relay.jms.connection-factory", "#vendorFactory"), "relay-bean").get(0);

            cluster.put(0, 20);

            await(Duration.ofSeconds(30), () -> cluster.distinctReceived(0, 20) == 20,
                    () -> "20 messages through the factory bean; log:\n" + relay.log());
            assertThat(relay.log()).contains("Taking messages from JMS queues [mail.in] on #vendorFactory");
        }
    }
}
