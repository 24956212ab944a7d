package dev.oauthsmtprelay.delivery.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.config.ConfigurationException;

class FromPolicyTest {

    @Test
    void outside_domains_rewrites_only_a_from_in_no_served_domain() {
        FromPolicy policy = FromPolicy.of("outside-domains", "example.com", "Example.org");
        assertThat(policy.rewrites("QSYSOPR@ibmi.local", "operator@example.com")).isTrue();
        assertThat(policy.rewrites("billing@example.com", "operator@example.com")).isFalse();
        assertThat(policy.rewrites("sales@EXAMPLE.ORG", "operator@example.com")).isFalse();
        assertThat(policy.rewrites("operator@example.com", "Operator@example.com")).isFalse();
    }

    @Test
    void never_and_always_and_the_old_boolean_values() {
        assertThat(FromPolicy.of("never", "example.com").rewrites("x@ibmi.local", "a@example.com")).isFalse();
        assertThat(FromPolicy.of("false", "example.com").rewrites("x@ibmi.local", "a@example.com")).isFalse();
        assertThat(FromPolicy.of("always", "example.com").rewrites("b@example.com", "a@example.com")).isTrue();
        assertThat(FromPolicy.of("true", "example.com").rewrites("b@example.com", "a@example.com")).isTrue();
        assertThat(FromPolicy.of("always", "example.com").rewrites(null, "a@example.com")).isFalse();
    }

    @Test
    void an_unknown_value_names_the_key_and_the_choices() {
        assertThatThrownBy(() -> FromPolicy.of("sometimes", "example.com")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("relay.rewrite-from=sometimes").hasMessageContaining("outside-domains");
    }
}
