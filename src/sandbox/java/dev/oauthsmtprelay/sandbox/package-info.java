/**
 * The demo sandbox: a local token server and an SMTP hub that requires STARTTLS and XOAUTH2, and
 * {@link dev.oauthsmtprelay.sandbox.DemoMain}, which runs the relay against them. Not part of the product:
 * it is a test source root (every test may use the servers) and ships alone as
 * {@code target/oauth-smtp-relay-demo.jar}. It may use the relay's classes and its compile-scope
 * libraries only (the demo jar runs with nothing but {@code oauth-smtp-relay.jar} beside it).
 */
package dev.oauthsmtprelay.sandbox;
