/**
 * {@code GET /status} and the {@code status} command: queue depth, retries, dead letters, pause and
 * token expiry.
 */
package dev.oauthsmtprelay.ops.status;
