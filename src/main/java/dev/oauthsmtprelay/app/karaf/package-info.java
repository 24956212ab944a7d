/**
 * Apache Karaf: the OSGi bundle's activator, configured from {@code etc/dev.oauthsmtprelay.cfg}.
 */
package dev.oauthsmtprelay.app.karaf;
