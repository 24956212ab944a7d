/**
 * Spool intake (route {@code relay-spool-intake}): complete {@code *.eml} and {@code *.json} files in
 * {@code relay.spool.dir} become queued messages; invalid ones move to {@code .error/} with a {@code .reason} file;
 * a spool that cannot be queued or written is reported once per condition. Reads {@code relay.spool.*}.
 */
package dev.oauthsmtprelay.intake.spool;
