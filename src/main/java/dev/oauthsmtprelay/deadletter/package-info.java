/**
 * Dead letters: the last stage a message can reach. The store under {@code relay.data.dir}/dead-letters
 * (message, reason, recipients that failed), filing from delivery and intake, and {@code dead-letter retry}, which
 * puts a copy back into the spool for the failed recipients only.
 */
package dev.oauthsmtprelay.deadletter;
