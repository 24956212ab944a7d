/**
 * Pacing: each sender mailbox gets at most {@code relay.pacing.messages-per-minute} messages a minute (Exchange
 * Online's 30 by default), and the rest wait in the durable queue as scheduled messages, so other mailboxes' mail
 * overtakes them and waiting costs no attempts.
 */
package dev.oauthsmtprelay.delivery.pacing;
