package dev.oauthsmtprelay.intake.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayConfigLocations;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;

class JmsIntakeSettingsTest {

    @TempDir
    Path dir;

    private final DefaultCamelContext context = new DefaultCamelContext(false);

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private RelaySettings settings(RelayConfigFile file) {
        RelayConfigLocations.apply(context, file.writeTo(dir.resolve("relay.properties")));
        context.build();
        return RelaySettings.of(context);
    }

    @Test
    void should_leave_jms_intake_off_when_neither_url_nor_factory_is_set() {
        assertThat(JmsIntakeSettings.from(settings(new RelayConfigFile().set("relay.jms.queues", "a")))).isEmpty();
    }

    @Test
    void should_read_queues_and_defaults_when_a_url_is_set() {
        JmsIntakeSettings jms = JmsIntakeSettings.from(settings(new RelayConfigFile()
                .set("relay.jms.url", "tcp://mq:61616").set("relay.jms.queues", " a, b ,,a")
                .set("relay.jms.user", "relay").set("relay.jms.password", "secret"))).orElseThrow();

        assertThat(jms.queues()).containsExactly("a", "b");
        assertThat(jms.deadLetterQueue()).isEqualTo("relay.intake.invalid");
        assertThat(jms.concurrency()).isEqualTo(4);
        assertThat(jms.describe()).contains("tcp://mq:61616").contains("relay").doesNotContain("secret");
    }

    @Test
    void should_take_a_factory_bean_name_with_or_without_hash() {
        JmsIntakeSettings jms = JmsIntakeSettings.from(settings(new RelayConfigFile()
                .set("relay.jms.connection-factory", "#mqFactory").set("relay.jms.queues", "MAIL.OUT"))).orElseThrow();

        assertThat(jms.connectionFactory()).contains("mqFactory");
        assertThat(jms.url()).isEmpty();
    }

    @Test
    void should_refuse_jms_intake_without_queues_naming_the_key() {
        RelaySettings settings = settings(new RelayConfigFile().set("relay.jms.url", "tcp://mq:61616"));

        assertThatThrownBy(() -> JmsIntakeSettings.from(settings)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("relay.jms.queues is not set");
    }

    @Test
    void should_refuse_both_a_url_and_a_factory_bean() {
        assertThatThrownBy(() -> JmsIntakeSettings.from(settings(new RelayConfigFile()
                .set("relay.jms.url", "tcp://mq:61616").set("relay.jms.connection-factory", "#f")
                .set("relay.jms.queues", "a")))).hasMessageContaining("not both");
    }

    @Test
    void should_refuse_a_dead_letter_queue_that_is_also_an_intake_queue() {
        assertThatThrownBy(() -> JmsIntakeSettings.from(settings(new RelayConfigFile()
                .set("relay.jms.url", "tcp://mq:61616").set("relay.jms.queues", "a, bad")
                .set("relay.jms.dead-letter-queue", "bad")))).hasMessageContaining("another name");
    }
}
