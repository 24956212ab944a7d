/**
 * Retention: on {@code relay.retention.cron}, deletes dead letters older than
 * {@code relay.retention.dead-letters} and archived spool files older than {@code relay.retention.archive}.
 */
package dev.oauthsmtprelay.deadletter.retention;
