/**
 * The command line ({@code run}, {@code demo}, {@code send}, {@code check}, {@code token},
 * {@code status}, {@code dead-letter}), built on picocli.
 */
package dev.oauthsmtprelay.app.cli;
