/**
 * The relay's counters, timers and gauges (Micrometer, Prometheus text on {@code /metrics}). The stages
 * count into {@link dev.oauthsmtprelay.ops.metrics.RelayMetrics}; it depends on none of them.
 */
package dev.oauthsmtprelay.ops.metrics;
