/**
 * Tokens: Google service account with domain-wide delegation (RFC 7523 JWT bearer, one token per sender
 * mailbox) and Microsoft Entra client credentials (one token per application); cached, refreshed ahead of expiry,
 * one refresh at a time per key, back-off when the endpoint fails. Never logs a secret or a token.
 * Reads {@code relay.token.*}.
 */
package dev.oauthsmtprelay.oauth;
