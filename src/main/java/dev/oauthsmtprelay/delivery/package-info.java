/**
 * Delivery (route {@code relay-delivery}): takes a message off the queue in a JMS transaction, resolves
 * the sender mailbox, sends it to the hub and classifies the outcome: delivered, partly delivered (the rest is
 * queued again), retried by the broker, filed as a dead letter, or delivery paused while the configuration is at fault.
 * Reads {@code relay.delivery.*} and {@code relay.rewrite-from}.
 */
package dev.oauthsmtprelay.delivery;
