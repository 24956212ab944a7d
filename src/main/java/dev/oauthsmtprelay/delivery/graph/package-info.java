/**
 * The Microsoft Graph transport, for {@code microsoft_app} credentials with {@code "transport": "graph"}: the queued
 * MIME goes out through {@code POST /users/{mailbox}/sendMail}, or, from {@code relay.graph.draft-threshold} bytes,
 * as a draft whose large attachments are uploaded in ranges before it is sent. The draft's id is kept in the data
 * directory, so a retry sends that draft or learns it was sent, never a second copy. Graph's replies are classified
 * like SMTP's: throttling waits for {@code Retry-After}, the application's permissions pause delivery, a message Graph
 * cannot take is a dead letter. Reads {@code relay.graph.*}.
 */
package dev.oauthsmtprelay.delivery.graph;
