/**
 * Delivery status notifications (RFC 3464) to the envelope sender of a dead letter, written into the spool,
 * when {@code relay.dsn.enabled=true}.
 */
package dev.oauthsmtprelay.deadletter.dsn;
