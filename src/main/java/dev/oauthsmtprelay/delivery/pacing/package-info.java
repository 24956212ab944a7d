/**
 * Pacing: each sender mailbox gets at most {@code relay.pacing.messages-per-minute} messages a minute and its daily
 * {@code relay.quota.*}, each defaulting to the limits of the provider of the mailbox's account (Exchange Online's
 * 30 a minute, Gmail's 2,000 a day). The rest wait in the durable queue as scheduled messages, so other mailboxes'
 * mail overtakes them and waiting costs no attempts. With relays sharing a broker, {@code relay.pacing.mailbox-groups}
 * gives each mailbox's mail to one consumer at a time, so these limits hold for all instances together.
 */
package dev.oauthsmtprelay.delivery.pacing;
