package dev.oauthsmtprelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayConfigFile;

class RelaySettingsTest {

    @TempDir
    Path dir;

    private final DefaultCamelContext context = new DefaultCamelContext(false);

    @AfterEach
    void cleanUp() throws Exception {
        System.clearProperty("relay.smtp.port");
        context.close();
    }

    private RelaySettings settings(RelayConfigFile file) {
        RelayConfigLocations.apply(context, file.writeTo(dir.resolve("relay.properties")));
        context.build();
        return RelaySettings.of(context);
    }

    @Test
    void should_apply_defaults_and_resolve_placeholders_in_them() {
        RelaySettings settings = settings(new RelayConfigFile().set("relay.data.dir", "/var/lib/relay"));

        assertThat(settings.spoolDir()).isEqualTo(Path.of("/var/lib/relay/spool"));
        assertThat(settings.credentialsEnabled()).isTrue();
        assertThat(settings.get(RelayKeys.SMTP_TLS)).isEqualTo("starttls");
        assertThat(settings.get(RelayKeys.TOKEN_REFRESH_AHEAD)).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.get(RelayKeys.DELIVERY_MAX_AGE)).isEqualTo(Duration.ofDays(5));
    }

    @Test
    void should_give_routes_every_default_through_camels_placeholders() {
        settings(new RelayConfigFile().set("relay.data.dir", "/srv/relay"));

        assertThat(context.resolvePropertyPlaceholders("{{relay.spool.intake-threads}}")).isEqualTo("8");
        assertThat(context.resolvePropertyPlaceholders("{{relay.broker.delivery-queue}}")).isEqualTo("relay.outbound");
        assertThat(context.resolvePropertyPlaceholders("{{relay.spool.dir}}")).isEqualTo("/srv/relay/spool");
    }

    @Test
    void should_apply_the_table_default_when_the_properties_lost_it() throws Exception {
        try (DefaultCamelContext bare = new DefaultCamelContext(false)) {
            bare.build();
            RelaySettings settings = RelaySettings.of(bare);
            // an embedding application that replaces the initial properties after the relay read its settings
            bare.getPropertiesComponent().setInitialProperties(new Properties());

            assertThat(settings.get(RelayKeys.SMTP_CONNECT_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
            assertThat(settings.spoolDir()).isEqualTo(Path.of("data/spool"));
        }
    }

    @Test
    void should_let_the_config_file_override_defaults() {
        RelaySettings settings = settings(new RelayConfigFile()
                .set("relay.credentials.enabled", "false")
                .set("relay.token.refresh-ahead", "90s")
                .set("relay.spool.dir", "/srv/spool"));

        assertThat(settings.credentialsEnabled()).isFalse();
        assertThat(settings.get(RelayKeys.TOKEN_REFRESH_AHEAD)).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.spoolDir()).isEqualTo(Path.of("/srv/spool"));
    }

    @Test
    void should_let_system_properties_override_the_config_file() {
        System.setProperty("relay.smtp.port", "465");

        RelaySettings settings = settings(new RelayConfigFile().set("relay.smtp.port", "587"));

        assertThat(settings.get(RelayKeys.SMTP_PORT)).isEqualTo(465);
    }

    @Test
    void should_make_the_settings_once_per_context() throws Exception {
        RelaySettings settings = settings(new RelayConfigFile());

        assertThat(RelaySettings.of(context)).isSameAs(settings);
        try (DefaultCamelContext other = new DefaultCamelContext(false)) {
            assertThat(RelaySettings.of(other)).isNotSameAs(settings);
        }
    }

    @Test
    void should_read_each_form() {
        RelaySettings settings = settings(new RelayConfigFile()
                .set("relay.alias-domain", " Example.COM ")
                .set("relay.smtp.port", "2525")
                .set("relay.intake.max-size", "1000")
                .set("relay.rewrite-from", "always")
                .set("relay.dsn.enabled", "No")
                .set("relay.smtp.timeout", "PT2M")
                .set("relay.retention.dead-letters", "1h30m")
                .set("relay.users", "/etc/relay/users.properties")
                .set("relay.jms.queues", " a, b ,, c ")
                .set("relay.broker.max-disk-usage", "75%")
                .set("relay.broker.redelivery-multiplier", "1.5"));

        assertThat(settings.aliasDomain()).isEqualTo("example.com");
        assertThat(settings.get(RelayKeys.SMTP_PORT)).isEqualTo(2525);
        assertThat(settings.get(RelayKeys.INTAKE_MAX_SIZE)).isEqualTo(1000L);
        assertThat(settings.get(RelayKeys.REWRITE_FROM)).isEqualTo("always");
        assertThat(settings.get(RelayKeys.DSN_ENABLED)).isFalse();
        assertThat(settings.get(RelayKeys.SMTP_TIMEOUT)).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.get(RelayKeys.RETENTION_DEAD_LETTERS)).isEqualTo(Duration.ofMinutes(90));
        assertThat(settings.get(RelayKeys.USERS)).isEqualTo(Path.of("/etc/relay/users.properties"));
        assertThat(settings.get(RelayKeys.JMS_QUEUES)).containsExactly("a", "b", "c");
        assertThat(settings.get(RelayKeys.BROKER_MAX_DISK_USAGE)).isEqualTo(75);
        assertThat(settings.get(RelayKeys.BROKER_REDELIVERY_MULTIPLIER)).isEqualTo(1.5);
    }

    @Test
    void should_leave_an_unset_key_without_default_empty_and_name_it_when_it_is_required() {
        RelaySettings settings = settings(new RelayConfigFile());

        assertThat(settings.optional(RelayKeys.SMTP_HOST)).isEmpty();
        assertThat(settings.optional(RelayKeys.INTAKE_ATTACHMENT_DIRS)).isEmpty();
        assertThatThrownBy(settings::aliasDomain).isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration key 'relay.alias-domain' is not set. Add it to the file given with "
                        + "--config, or set -Drelay.alias-domain=... or the environment variable RELAY_ALIAS_DOMAIN.");
    }

    @Test
    void should_take_the_default_for_an_empty_value_unless_empty_turns_the_key_off() {
        RelaySettings settings = settings(new RelayConfigFile()
                .set("relay.token.timeout", " ")
                .set("relay.retention.cron", "")
                .set("relay.default-sender", ""));

        assertThat(settings.get(RelayKeys.TOKEN_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.optional(RelayKeys.RETENTION_CRON)).isEmpty();
        assertThat(settings.optional(RelayKeys.DIGEST_CRON)).contains("0 0 7 * * ?");
        assertThat(settings.defaultSender()).isEmpty();
    }

    @Test
    void should_name_the_key_the_form_and_the_fix_for_a_value_not_of_its_form() {
        RelaySettings settings = settings(new RelayConfigFile()
                .set("relay.credentials.enabled", "maybe")
                .set("relay.token.timeout", "soon")
                .set("relay.smtp.port", "70000")
                .set("relay.smtp.pool.max-per-mailbox", "0")
                .set("relay.intake.max-size", "big")
                .set("relay.broker.max-disk-usage", "ninety")
                .set("relay.broker.redelivery-multiplier", "0.5"));

        assertThatThrownBy(settings::credentialsEnabled).isInstanceOf(ConfigurationException.class)
                .hasMessage("Configuration key 'relay.credentials.enabled' must be true or false, but is 'maybe'.");
        assertThatThrownBy(() -> settings.get(RelayKeys.TOKEN_TIMEOUT))
                .hasMessage("Configuration key 'relay.token.timeout' must be a duration, but is 'soon'. "
                        + "Use milliseconds (500) or a unit: 30s, 5m, 1h, 1h30m.");
        assertThatThrownBy(() -> settings.get(RelayKeys.SMTP_PORT))
                .hasMessage("Configuration key 'relay.smtp.port' must be a whole number from 1 to 65535, but is "
                        + "'70000'. Use the hub's submission port: 587 with relay.smtp.tls=starttls, 465 with implicit.");
        assertThatThrownBy(() -> settings.get(RelayKeys.SMTP_POOL_MAX_PER_MAILBOX))
                .hasMessage("Configuration key 'relay.smtp.pool.max-per-mailbox' must be a whole number of at least 1, "
                        + "but is '0'.");
        assertThatThrownBy(() -> settings.get(RelayKeys.INTAKE_MAX_SIZE))
                .hasMessageContaining("'relay.intake.max-size' must be a whole number of at least 1, but is 'big'");
        assertThatThrownBy(() -> settings.get(RelayKeys.BROKER_MAX_DISK_USAGE))
                .hasMessage("Configuration key 'relay.broker.max-disk-usage' must be a whole percentage from 1 to 100, "
                        + "but is 'ninety'. For example 90.");
        assertThatThrownBy(() -> settings.get(RelayKeys.BROKER_REDELIVERY_MULTIPLIER))
                .hasMessageContaining("must be a number of at least 1, but is '0.5'");
    }

    @Test
    void should_not_show_the_value_of_a_secret_key_it_cannot_read() {
        Key<Integer> pin = new Key<>("relay.test.pin", Stage.GENERAL, ValueType.integer(0, 9999), null, "A PIN.",
                Key.Flag.SECRET);
        RelaySettings settings = settings(new RelayConfigFile().set("relay.test.pin", "hunter2"));

        assertThatThrownBy(() -> settings.get(pin))
                .hasMessage("Configuration key 'relay.test.pin' must be a whole number from 0 to 9999.")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void should_refuse_a_config_file_that_does_not_exist() {
        assertThatThrownBy(() -> RelayConfigLocations.of(dir.resolve("missing.properties")))
                .hasMessageContaining("missing.properties does not exist or cannot be read");
    }

    @Test
    void should_name_the_environment_variable_of_a_key() {
        assertThat(RelayKeys.TOKEN_REFRESH_AHEAD.environmentVariable()).isEqualTo("RELAY_TOKEN_REFRESH_AHEAD");
        assertThat(RelayKeys.ALIAS_DOMAIN.toString()).isEqualTo("relay.alias-domain");
    }

    @Test
    void should_read_list_items_trimmed_without_empty_ones() {
        assertThat(ValueType.LIST.read(",a ,, b,")).isEqualTo(List.of("a", "b"));
    }

    @Test
    void relay_credentials_is_a_file_a_list_or_a_directory_of_json_files() throws Exception {
        Path accounts = Files.createDirectory(dir.resolve("accounts"));
        Files.writeString(accounts.resolve("b.json"), "{}");
        Files.writeString(accounts.resolve("a.json"), "{}");
        Files.writeString(accounts.resolve("README.txt"), "not an account");
        Files.createDirectory(accounts.resolve("old.json"));

        RelaySettings settings = settings(new RelayConfigFile()
                .set("relay.credentials", "/etc/relay/one.json , " + accounts));

        assertThat(settings.credentialsFiles()).containsExactly(Path.of("/etc/relay/one.json"),
                accounts.resolve("a.json"), accounts.resolve("b.json"));
    }

    @Test
    void an_empty_credentials_directory_is_refused_with_the_fix() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));

        RelaySettings settings = settings(new RelayConfigFile().set("relay.credentials", empty));

        assertThatThrownBy(settings::credentialsFiles).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("relay.credentials names the directory " + empty + ", which holds no *.json file");
    }
}
