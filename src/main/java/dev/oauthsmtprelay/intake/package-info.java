/**
 * Intake: the stages that take a message in, check it, normalise it to a
 * {@link dev.oauthsmtprelay.message.RelayMessage} and put it on the durable queue. Nothing is acknowledged (a spool
 * file deleted, a JMS message committed) before the queue has the message on disk.
 */
package dev.oauthsmtprelay.intake;
