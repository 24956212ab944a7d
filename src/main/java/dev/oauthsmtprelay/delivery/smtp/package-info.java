/**
 * The SMTP transport: Angus Mail with STARTTLS (or implicit TLS) and SASL XOAUTH2, a pool of
 * authenticated connections per sender mailbox, and the classification of the hub's replies. Reads
 * {@code relay.smtp.*} (host, port, TLS mode, trust store, time-outs, pool).
 */
package dev.oauthsmtprelay.delivery.smtp;
