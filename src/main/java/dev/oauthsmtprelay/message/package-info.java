/**
 * The queue contract: what every intake puts on the durable queue and what delivery and the
 * dead letters read back. A {@link dev.oauthsmtprelay.message.RelayMessage} is the exact MIME bytes plus the SMTP
 * {@link dev.oauthsmtprelay.message.Envelope}; {@link dev.oauthsmtprelay.message.QueuedMessage} names the JMS
 * properties that carry the envelope and bookkeeping; {@link dev.oauthsmtprelay.message.RelayIds} makes the ids.
 * Also the one lenient header-section reader for stored messages, the one atomic, fsynced file writer, and the
 * fields every delivery status notification needs.
 * Reads no configuration keys. Every stage may import this package; it imports none of them.
 */
package dev.oauthsmtprelay.message;
