/**
 * The one configuration path. {@link dev.oauthsmtprelay.config.RelayKeys} declares every {@code relay.*} key once,
 * with its form, default, stage and one line of documentation; {@link dev.oauthsmtprelay.config.RelaySettings}
 * reads them from Camel's properties component (the {@code --config} file, {@code -D} system properties,
 * environment variables), and {@link dev.oauthsmtprelay.config.RelayConfigLocations} gives Camel the defaults.
 * Imports no other package of the relay.
 */
package dev.oauthsmtprelay.config;
