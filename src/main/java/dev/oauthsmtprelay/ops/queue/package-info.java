/**
 * Queue administration for operators: list, show, hold, release, delete and retry-now on the queued mail, served on
 * the relay's HTTP endpoint ({@code /queue}) for the {@code queue} commands. Reading is open like {@code /status};
 * every action needs {@code relay.console.token}.
 */
package dev.oauthsmtprelay.ops.queue;
