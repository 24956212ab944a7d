/**
 * SMTP listener intake (route {@code relay-smtp-intake}): an SMTP server (SubEthaSMTP) on the LAN for IBM i,
 * printers and applications that speak nothing else. The envelope (MAIL FROM, RCPT TO) is authoritative; a
 * message is answered {@code 250} only once the delivery queue has it on disk, a queue that cannot take it is
 * answered {@code 451 4.3.0} so that the client keeps it. Clients outside {@code relay.listener.allowed-networks}
 * and senders outside {@code relay.listener.allowed-senders} are refused: the relay is never an open relay.
 * Switched on by {@code relay.listener.enabled=true}. Reads {@code relay.listener.*} ({@link ListenerSettings}),
 * {@code relay.intake.max-recipients}, {@code relay.alias-domain} and the left sides of {@code relay.users}.
 */
package dev.oauthsmtprelay.intake.smtp;
