/**
 * The one configuration path: every {@code relay.*} key with its default and documentation, read
 * from Camel's properties component (the {@code --config} file, {@code -D} system properties, environment
 * variables). Imports no other package of the relay.
 */
package dev.oauthsmtprelay.config;
