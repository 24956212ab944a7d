/**
 * What every transport shares with the delivery stage: the {@link dev.oauthsmtprelay.delivery.transport.OutgoingMessage}
 * (queued MIME bytes, envelope, sender mailbox), the {@link dev.oauthsmtprelay.delivery.transport.DeliveryReport} a
 * transport fills in, the classified {@link dev.oauthsmtprelay.delivery.transport.DeliveryFailure} whose kind decides
 * retry, dead letter or pause, and the {@link dev.oauthsmtprelay.delivery.transport.DeliveryProbe} that tells a paused
 * delivery when it may resume. SMTP ({@code delivery/smtp}) and Microsoft Graph ({@code delivery/graph}) implement it.
 * Reads no keys.
 */
package dev.oauthsmtprelay.delivery.transport;
