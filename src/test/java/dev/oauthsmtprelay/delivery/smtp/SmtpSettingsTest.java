package dev.oauthsmtprelay.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.RelayConfigLocations;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.AccountHub;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;

/** An account's hub: its file's fields first, then relay.smtp.*, then the provider's hub. */
class SmtpSettingsTest {

    @TempDir
    Path dir;

    private final DefaultCamelContext context = new DefaultCamelContext(false);

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private RelaySettings settings(RelayConfigFile file) {
        RelayConfigLocations.apply(context, file.set("relay.alias-domain", "example.com")
                .writeTo(dir.resolve("relay.properties")));
        context.build();
        return RelaySettings.of(context);
    }

    @Test
    void a_file_without_hub_fields_uses_relay_smtp_then_the_providers_hub() {
        RelaySettings settings = settings(new RelayConfigFile().set("relay.smtp.port", "2525"));

        SmtpSettings smtp = SmtpSettings.forAccount(settings, "smtp.office365.com", AccountHub.none());

        assertThat(smtp.host()).isEqualTo("smtp.office365.com");
        assertThat(smtp.port()).isEqualTo(2525);
        assertThat(smtp.tls()).isEqualTo(TlsMode.STARTTLS);
    }

    @Test
    void a_file_naming_its_host_gets_the_port_of_its_tls_mode_not_relay_smtp_port() {
        RelaySettings settings = settings(new RelayConfigFile().set("relay.smtp.host", "hub.internal")
                .set("relay.smtp.port", "2525"));

        SmtpSettings named = SmtpSettings.forAccount(settings, "smtp.gmail.com",
                new AccountHub(Optional.of("smtp-relay.gmail.com"), Optional.empty(), Optional.empty()));
        SmtpSettings implicit = SmtpSettings.forAccount(settings, "smtp.gmail.com",
                new AccountHub(Optional.empty(), Optional.empty(), Optional.of("implicit")));
        SmtpSettings everything = SmtpSettings.forAccount(settings, "smtp.gmail.com",
                new AccountHub(Optional.of("localhost"), Optional.of(10465), Optional.of("implicit")));

        assertThat(named.host() + ":" + named.port() + " " + named.tls()).isEqualTo("smtp-relay.gmail.com:587 STARTTLS");
        assertThat(implicit.host() + ":" + implicit.port() + " " + implicit.tls()).isEqualTo("hub.internal:465 IMPLICIT");
        assertThat(everything.host() + ":" + everything.port() + " " + everything.tls()).isEqualTo("localhost:10465 IMPLICIT");
    }
}
