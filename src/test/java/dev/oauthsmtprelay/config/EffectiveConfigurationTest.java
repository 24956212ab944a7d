package dev.oauthsmtprelay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayConfigFile;

class EffectiveConfigurationTest {

    @TempDir
    Path dir;

    private final DefaultCamelContext context = new DefaultCamelContext(false);

    @AfterEach
    void cleanUp() throws Exception {
        context.close();
    }

    @Test
    void should_list_the_keys_set_with_their_values_count_the_defaults_and_redact_passwords() {
        RelayConfigLocations.apply(context, new RelayConfigFile()
                .set("relay.data.dir", "/srv/relay")
                .set("relay.alias-domain", "example.com")
                .set("relay.smtp.tls", "starttls") // its default: not listed
                .set("relay.jms.url", "tcp://mq.example.com:61616")
                .set("relay.jms.password", "s3cret-Jms-Pass")
                .set("relay.broker.password", "an0ther-Broker-Pass")
                .writeTo(dir.resolve("relay.properties")));
        context.build();

        String summary = EffectiveConfiguration.describe(RelaySettings.of(context));

        assertThat(summary).doesNotContain("s3cret-Jms-Pass").doesNotContain("an0ther-Broker-Pass")
                .contains("\n  relay.jms.password = ********", "\n  relay.broker.password = ********",
                        "\n  relay.data.dir = /srv/relay", "\n  relay.alias-domain = example.com",
                        "\n  relay.jms.url = tcp://mq.example.com:61616")
                .doesNotContain("relay.smtp.tls")
                .doesNotContain("relay.spool.dir"); // its default follows relay.data.dir: still a default
        long listed = summary.lines().filter(l -> l.startsWith("  relay.")).count();
        assertThat(summary).startsWith("Configuration: " + listed + " keys set, "
                + (RelayKeys.all().size() - listed) + " at their defaults");
    }
}
