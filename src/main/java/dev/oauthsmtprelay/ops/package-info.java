/**
 * Operations: what administrators use to see and check a relay. {@code check}, health, metrics and status.
 */
package dev.oauthsmtprelay.ops;
