/**
 * Which mailbox the relay logs in as for a message: {@code relay.users} (like IBM i {@code ADDUSRSMTP}),
 * the alias domain and {@code relay.default-sender}; and the optional From rewrite to that mailbox.
 */
package dev.oauthsmtprelay.delivery.sender;
