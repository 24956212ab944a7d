/**
 * The relay's counters, timers and gauges (Micrometer, Prometheus text on {@code /metrics}). The stages
 * count into {@link dev.oauthsmtprelay.ops.metrics.RelayMetrics}; it depends on none of them. Also Micrometer's
 * JVM and process binders ({@link dev.oauthsmtprelay.ops.metrics.JvmProcessMetrics}) and
 * {@code relay_build_info{version=...}}, the build's version as a label.
 */
package dev.oauthsmtprelay.ops.metrics;
