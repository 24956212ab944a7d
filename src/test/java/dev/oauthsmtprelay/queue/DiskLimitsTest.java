package dev.oauthsmtprelay.queue;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DiskLimitsTest {

    @Test
    void should_refuse_a_percentage_outside_1_to_100_and_a_scan_period_of_zero() {
        assertThatThrownBy(() -> new DiskLimits(0, Duration.ofSeconds(5))).hasMessageContaining("from 1 to 100");
        assertThatThrownBy(() -> new DiskLimits(101, Duration.ofSeconds(5))).hasMessageContaining("from 1 to 100");
        assertThatThrownBy(() -> new DiskLimits(90, Duration.ZERO))
                .hasMessageContaining("relay.broker.disk-scan-period");
    }
}
