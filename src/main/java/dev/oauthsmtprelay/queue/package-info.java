/**
 * The durable queue between intake and delivery: an embedded ActiveMQ Artemis broker (journal under
 * {@code relay.data.dir}/broker) or an external one ({@code relay.broker.url}), with redelivery back-off, the
 * broker's dead-letter address and disk limits. Reads {@code relay.broker.*}.
 */
package dev.oauthsmtprelay.queue;
