package dev.oauthsmtprelay.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DiskLimitsTest {

    @Test
    void should_read_a_percentage_with_or_without_the_percent_sign() {
        assertThat(DiskLimits.parsePercent("90")).isEqualTo(90);
        assertThat(DiskLimits.parsePercent(" 75% ")).isEqualTo(75);
    }

    @Test
    void should_name_the_key_and_an_example_when_the_percentage_is_not_a_number() {
        assertThatThrownBy(() -> DiskLimits.parsePercent("ninety")).hasMessageContaining("relay.broker.max-disk-usage")
                .hasMessageContaining("for example 90");
    }

    @Test
    void should_refuse_a_percentage_outside_1_to_100_and_a_scan_period_of_zero() {
        assertThatThrownBy(() -> new DiskLimits(0, Duration.ofSeconds(5))).hasMessageContaining("from 1 to 100");
        assertThatThrownBy(() -> new DiskLimits(101, Duration.ofSeconds(5))).hasMessageContaining("from 1 to 100");
        assertThatThrownBy(() -> new DiskLimits(90, Duration.ZERO))
                .hasMessageContaining("relay.broker.disk-scan-period");
    }
}
