package dev.oauthsmtprelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

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
        return new RelaySettings(context);
    }

    @Test
    void should_apply_defaults_and_resolve_placeholders_in_them() {
        RelaySettings settings = settings(new RelayConfigFile().set("relay.data.dir", "/var/lib/relay"));

        assertThat(settings.spoolDir()).isEqualTo(Path.of("/var/lib/relay/spool"));
        assertThat(settings.credentialsEnabled()).isTrue();
        assertThat(settings.value("relay.smtp.tls")).contains("starttls");
        assertThat(settings.tokenRefreshAhead()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void should_let_the_config_file_override_defaults() {
        RelaySettings settings = settings(new RelayConfigFile()
                .set("relay.credentials.enabled", "false")
                .set("relay.token.refresh-ahead", "90s")
                .set("relay.spool.dir", "/srv/spool"));

        assertThat(settings.credentialsEnabled()).isFalse();
        assertThat(settings.tokenRefreshAhead()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.spoolDir()).isEqualTo(Path.of("/srv/spool"));
    }

    @Test
    void should_let_system_properties_override_the_config_file() {
        System.setProperty("relay.smtp.port", "465");

        RelaySettings settings = settings(new RelayConfigFile().set("relay.smtp.port", "587"));

        assertThat(settings.value("relay.smtp.port")).contains("465");
    }

    @Test
    void should_explain_bad_values() {
        RelaySettings settings = settings(new RelayConfigFile()
                .set("relay.credentials.enabled", "maybe")
                .set("relay.token.timeout", "soon"));

        assertThatThrownBy(settings::credentialsEnabled).hasMessageContaining("must be true or false, but is 'maybe'");
        assertThatThrownBy(settings::tokenTimeout).hasMessageContaining("not a duration: 'soon'")
                .hasMessageContaining("30s, 5m");
        assertThatThrownBy(settings::aliasDomain).hasMessageContaining("'relay.alias-domain' is not set")
                .hasMessageContaining("RELAY_ALIAS_DOMAIN");
    }

    @Test
    void should_refuse_a_config_file_that_does_not_exist() {
        assertThatThrownBy(() -> RelayConfigLocations.of(dir.resolve("missing.properties")))
                .hasMessageContaining("missing.properties does not exist or cannot be read");
    }
}
