/**
 * The demo sandbox: a local token server and an SMTP hub that requires STARTTLS and XOAUTH2 (not part
 * of a production relay).
 */
package dev.oauthsmtprelay.sandbox;
