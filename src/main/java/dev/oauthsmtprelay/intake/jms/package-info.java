/**
 * JMS intake (routes {@code relay-jms-intake-<queue>}): messages on queues of an existing broker become
 * queued messages; invalid ones go to the intake dead-letter queue and the dead letters. Switched on by
 * {@code relay.jms.url} or {@code relay.jms.connection-factory}. Reads {@code relay.jms.*}.
 */
package dev.oauthsmtprelay.intake.jms;
