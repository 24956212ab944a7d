/**
 * The command line ({@code run}, {@code send}, {@code check}, {@code token}, {@code status},
 * {@code dead-letter}), built on picocli. The demo is not here: it is {@code oauth-smtp-relay-demo.jar}
 * ({@code src/sandbox/}), which runs {@code run} against its own servers.
 */
package dev.oauthsmtprelay.app.cli;
