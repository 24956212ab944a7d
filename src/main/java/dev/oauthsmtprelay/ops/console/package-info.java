/**
 * The status page ({@code /console} on the relay's HTTP endpoint): server-rendered HTML with the relay's numbers,
 * plain-SVG plots of the last 24 hours from {@link dev.oauthsmtprelay.ops.console.FlowHistory}, and forms that hold,
 * release, retry and delete queued mail when given {@code relay.console.token}. No JavaScript.
 */
package dev.oauthsmtprelay.ops.console;
