/**
 * The dead-letter digest: on {@code relay.digest.cron}, a message to {@code relay.admin-address} listing
 * the dead letters filed since the last digest, written into the spool like any other message.
 */
package dev.oauthsmtprelay.deadletter.digest;
