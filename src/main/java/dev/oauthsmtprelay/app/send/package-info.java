/**
 * {@code send}, like IBM i {@code SNDSMTPEMM}: composes a message and writes it into the spool, or with
 * {@code --now} sends it straight to the hub.
 */
package dev.oauthsmtprelay.app.send;
