package dev.oauthsmtprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.delivery.smtp.SmtpPoolSettings;
import dev.oauthsmtprelay.intake.parse.IntakeSettings;
import dev.oauthsmtprelay.queue.BrokerSettings;

/** The table itself: its defaults are readable, reach Camel, and are the only ones. */
class RelayKeysTest {

    @Test
    void should_read_every_default_with_its_own_keys_form() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext(false)) {
            context.build();
            RelaySettings settings = RelaySettings.of(context);

            for (Key<?> key : RelayKeys.all()) {
                if (key.defaultText().isPresent()) {
                    assertThat(settings.optional(key)).as(key.name()).isPresent();
                    if (!key.defaultText().get().contains("{{")) {
                        assertThat(settings.get(key)).as(key.name()).isEqualTo(key.defaultValue());
                    }
                } else {
                    assertThat(settings.optional(key)).as(key.name()).isEmpty();
                }
            }
        }
    }

    @Test
    void should_build_camels_initial_properties_from_exactly_the_keys_with_a_default() {
        Map<String, String> expected = new LinkedHashMap<>();
        RelayKeys.all().forEach(key -> key.defaultText().ifPresent(text -> expected.put(key.name(), text)));
        Properties defaults = RelayConfigLocations.defaults();

        assertThat(defaults).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(defaults).containsEntry("relay.spool.dir", "{{relay.data.dir}}/spool")
                .containsEntry("relay.delivery.max-age", "120h").doesNotContainKey("relay.smtp.host");
        assertThat(expected).hasSizeGreaterThan(40);
        assertThat(getClass().getClassLoader().getResource("relay-defaults.properties"))
                .as("the defaults live only in RelayKeys").isNull();
    }

    @Test
    void should_keep_the_settings_records_defaults_those_of_the_table() {
        SmtpPoolSettings pool = SmtpPoolSettings.defaults();
        assertThat(pool.maxPerMailbox()).isEqualTo(3);
        assertThat(pool.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));

        BrokerSettings broker = BrokerSettings.defaults(java.nio.file.Path.of("data"));
        assertThat(broker.deliveryQueue()).isEqualTo("relay.outbound");
        assertThat(broker.redeliveryDelay()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(broker.diskLimits().maxUsagePercent()).isEqualTo(90);

        IntakeSettings intake = IntakeSettings.defaults("example.com");
        assertThat(intake.maxSizeBytes()).isEqualTo(35L * 1024 * 1024);
        assertThat(intake.maxRecipients()).isEqualTo(500);
    }

    @Test
    void should_mark_the_passwords_and_the_console_token_secret_and_nothing_else() {
        assertThat(RelayKeys.all().stream().filter(Key::isSecret).map(Key::name))
                .containsExactlyInAnyOrder("relay.broker.password", "relay.jms.password", "relay.console.token");
    }

    @Test
    void should_document_every_key_in_one_line() {
        for (Key<?> key : RelayKeys.all()) {
            assertThat(key.doc()).as(key.name()).isNotBlank().doesNotContain("\n").hasSizeLessThanOrEqualTo(110);
            assertThat(RelayKeys.named(key.name())).contains(key);
        }
        assertThat(RelayKeys.named("relay.messages.delivered")).as("a metric, not a key").isEmpty();
    }
}
