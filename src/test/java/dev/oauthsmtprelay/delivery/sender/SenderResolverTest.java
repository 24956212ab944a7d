package dev.oauthsmtprelay.delivery.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayConfigLocations;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;

class SenderResolverTest {

    @TempDir
    Path dir;

    private static final UserMapping USERS = UserMapping.parse(List.of(
            "QSYSOPR = operator@example.com",
            "qsysopr@ibmi.local = night-operator@example.com",
            "ALICE = alice.smith@example.com"), Path.of("users.properties"), "example.com");

    private static SenderResolver resolver(String defaultSender) {
        return new SenderResolver(USERS, "example.com", defaultSender);
    }

    @Test
    void should_map_a_full_address_before_the_user_profile() {
        SenderResolution resolution = resolver(null).resolve("QSYSOPR@ibmi.local");

        assertThat(resolution.mailbox()).contains("night-operator@example.com");
        assertThat(resolution.rule()).isEqualTo(SenderRule.MAPPED_ADDRESS);
        assertThat(resolution.explanation())
                .isEqualTo("QSYSOPR@ibmi.local sends as night-operator@example.com: address qsysopr@ibmi.local in relay.users");
    }

    @Test
    void should_map_the_user_profile_whatever_the_domain() {
        SenderResolution resolution = resolver(null).resolve("qsysopr@as400.corp");

        assertThat(resolution.mailbox()).contains("operator@example.com");
        assertThat(resolution.rule()).isEqualTo(SenderRule.MAPPED_USER_PROFILE);
        assertThat(resolution.explanation()).endsWith("user profile QSYSOPR in relay.users");
        assertThat(resolver(null).mailboxFor("QSYSOPR")).contains("operator@example.com");
    }

    @Test
    void should_prefer_the_mapping_over_the_alias_domain() {
        assertThat(resolver(null).resolve("alice@example.com").mailbox()).contains("alice.smith@example.com");
        assertThat(resolver(null).resolve("alice@example.com").rule()).isEqualTo(SenderRule.MAPPED_USER_PROFILE);
    }

    @Test
    void should_send_as_the_from_address_itself_in_the_alias_domain_lower_case() {
        SenderResolution resolution = resolver("relay@example.com").resolve("Billing <Billing@EXAMPLE.com>");

        assertThat(resolution.mailbox()).contains("billing@example.com");
        assertThat(resolution.rule()).isEqualTo(SenderRule.ALIAS_DOMAIN);
    }

    @Test
    void should_not_count_subdomains_or_lookalike_domains_as_the_alias_domain() {
        assertThat(resolver(null).mailboxFor("billing@mail.example.com")).isEmpty();
        assertThat(resolver(null).mailboxFor("billing@notexample.com")).isEmpty();
        assertThat(resolver("relay@example.com").resolve("billing@mail.example.com").rule())
                .isEqualTo(SenderRule.DEFAULT_SENDER);
    }

    @Test
    void should_fall_back_to_the_default_sender_lower_case() {
        SenderResolution resolution = resolver("Relay@Example.com").resolve("JOBLOG@ibmi.local");

        assertThat(resolution.mailbox()).contains("relay@example.com");
        assertThat(resolution.rule()).isEqualTo(SenderRule.DEFAULT_SENDER);
        assertThat(resolution.explanation()).isEqualTo("JOBLOG@ibmi.local sends as relay@example.com: relay.default-sender");
    }

    @Test
    void should_use_the_default_sender_for_a_message_without_from() {
        assertThat(resolver("relay@example.com").mailboxFor(null)).contains("relay@example.com");
        assertThat(resolver("relay@example.com").mailboxFor("  ")).contains("relay@example.com");
    }

    @Test
    void should_resolve_nothing_and_explain_cause_and_fix() {
        SenderResolver resolver = resolver(null);
        SenderResolution resolution = resolver.resolve("JOBLOG@ibmi.local");

        assertThat(resolution.isResolved()).isFalse();
        assertThat(resolution.mailbox()).isEmpty();
        assertThat(resolution.rule()).isEqualTo(SenderRule.NONE);
        assertThat(resolution.explanation()).isEqualTo(resolver.noSenderReason("JOBLOG@ibmi.local"))
                .isEqualTo("no sender mailbox for JOBLOG@ibmi.local: it is not in relay.users (users.properties), "
                        + "not in the alias domain example.com, and relay.default-sender is not set. Add it to "
                        + "relay.users (JOBLOG = mailbox@example.com) or set relay.default-sender.");
    }

    @Test
    void should_say_when_no_mapping_file_is_configured() {
        SenderResolver resolver = new SenderResolver(UserMapping.empty(), "example.com", null);

        assertThat(resolver.noSenderReason("QSYSOPR@ibmi.local")).isEqualTo("no sender mailbox for QSYSOPR@ibmi.local: "
                + "it is not in relay.users (no mapping file is configured), not in the alias domain example.com, and "
                + "relay.default-sender is not set. Add it to relay.users (QSYSOPR = mailbox@example.com) or set "
                + "relay.default-sender.");
        assertThat(resolver.noSenderReason(null)).startsWith("no sender mailbox: the message has no From address");
    }

    @Test
    void should_refuse_a_default_sender_outside_the_alias_domain() {
        assertThatThrownBy(() -> new SenderResolver(USERS, "example.com", "relay@example.org"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("relay.default-sender is relay@example.org, which is outside the alias domain example.com "
                        + "(relay.alias-domain): the provider could never issue a token for it. Use a mailbox @example.com.");
        assertThatThrownBy(() -> new SenderResolver(USERS, "example.com", "not an address"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not a valid mailbox");
    }

    @Test
    void should_read_users_alias_domain_and_default_sender_from_the_settings() throws Exception {
        Path users = Files.writeString(dir.resolve("users.properties"), "QSYSOPR = operator@example.com\n");
        Path config = new RelayConfigFile()
                .set("relay.alias-domain", "Example.com")
                .set("relay.users", users)
                .set("relay.default-sender", "relay@example.com")
                .writeTo(dir.resolve("relay.properties"));
        try (DefaultCamelContext context = new DefaultCamelContext(false)) {
            RelayConfigLocations.apply(context, config);
            context.build();

            SenderResolver resolver = SenderResolver.from(RelaySettings.of(context));

            assertThat(resolver.mailboxFor("qsysopr@ibmi.local")).contains("operator@example.com");
            assertThat(resolver.mailboxFor("joblog@ibmi.local")).contains("relay@example.com");
            assertThat(resolver.aliasDomain()).isEqualTo("example.com");
        }
    }

    @Test
    void should_work_without_relay_users() throws Exception {
        Path config = new RelayConfigFile().set("relay.alias-domain", "example.com")
                .writeTo(dir.resolve("relay.properties"));
        try (DefaultCamelContext context = new DefaultCamelContext(false)) {
            RelayConfigLocations.apply(context, config);
            context.build();

            SenderResolver resolver = SenderResolver.from(RelaySettings.of(context));

            assertThat(resolver.users().isEmpty()).isTrue();
            assertThat(resolver.mailboxFor("a@example.com")).contains("a@example.com");
            assertThat(resolver.mailboxFor("qsysopr@ibmi.local")).isEmpty();
        }
    }
}
