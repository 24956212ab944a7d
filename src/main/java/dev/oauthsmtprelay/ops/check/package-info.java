/**
 * {@code check}: configuration, directories, credentials, clock, tokens, the hub's TLS and an XOAUTH2
 * login per sender mailbox; one PASS/WARN/FAIL line each with the fix.
 */
package dev.oauthsmtprelay.ops.check;
