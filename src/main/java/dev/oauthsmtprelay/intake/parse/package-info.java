/**
 * Parsing a message file (MIME {@code .eml} or the JSON form) into the queue contract, with every check an
 * invalid message fails with a reason that names the fix. Shared by the spool and JMS intakes and by {@code send}.
 * Reads {@code relay.alias-domain}, {@code relay.intake.max-size}, {@code relay.intake.max-recipients} and
 * {@code relay.intake.attachment-dirs} (through {@link dev.oauthsmtprelay.intake.parse.IntakeSettings}).
 */
package dev.oauthsmtprelay.intake.parse;
