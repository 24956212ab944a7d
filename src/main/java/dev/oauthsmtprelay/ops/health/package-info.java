/**
 * Health checks in Camel's registry: liveness, and readiness of broker, credentials, delivery and JMS
 * intake; served on {@code /health}, {@code /health/ready} and {@code /health/live}.
 */
package dev.oauthsmtprelay.ops.health;
