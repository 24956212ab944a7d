/**
 * Reading and validating the provider credentials files ({@code relay.credentials}), one per account: a Google
 * service-account key or a Microsoft app, each with its mandatory {@code domain}. Every finding names the field
 * and the fix, never the secret. Reads {@code relay.credentials.strict-permissions}.
 */
package dev.oauthsmtprelay.credentials;
