package dev.oauthsmtprelay.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterIdsTest {

    @Test
    void should_accept_readable_file_name_safe_ids() {
        assertThat(DeadLetterIds.isValid("invoice-42")).isTrue();
        assertThat(DeadLetterIds.isValid("4711.1@ibmi.local-0a1b2c3d4e5f")).isTrue();
        assertThat(DeadLetterIds.isValid("a".repeat(DeadLetterIds.MAX_LENGTH))).isTrue();
        assertThat(DeadLetterIds.isValid("a".repeat(DeadLetterIds.MAX_LENGTH + 1))).isFalse();
        assertThat(DeadLetterIds.isValid(null)).isFalse();
        assertThat(DeadLetterIds.isValid("C:x")).isFalse();
    }

    @Test
    void should_derive_the_same_valid_id_from_the_same_key() {
        String id = DeadLetterIds.derivedFrom("<20260301100000.4711@ibmi.local>");

        assertThat(id).matches("20260301100000\\.4711@ibmi\\.local-[0-9a-f]{12}");
        assertThat(DeadLetterIds.derivedFrom("<20260301100000.4711@ibmi.local>")).isEqualTo(id);
        assertThat(DeadLetterIds.derivedFrom("<20260301100000.4712@ibmi.local>")).isNotEqualTo(id);
    }

    @Test
    void should_derive_valid_ids_from_awkward_keys() {
        for (String key : new String[] {"../../etc/passwd", "ID:a b/c", "", null, "....", "x".repeat(500), "Grüße"}) {
            assertThat(DeadLetterIds.isValid(DeadLetterIds.derivedFrom(key))).as(key).isTrue();
        }
        assertThat(DeadLetterIds.derivedFrom("spool:invoice 42.eml")).startsWith("spool-invoice-42.eml-");
    }
}
