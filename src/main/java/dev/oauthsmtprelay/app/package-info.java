/**
 * Wiring: builds every part from the configuration (one factory per service), binds the beans the route
 * files in {@code routes/} refer to, and loads those routes into any Camel context (camel-main, a plain context,
 * Karaf). Reads {@code relay.health.*}, {@code relay.log.*}, {@code relay.retention.*}, {@code relay.digest.*},
 * {@code relay.dsn.enabled}.
 */
package dev.oauthsmtprelay.app;
