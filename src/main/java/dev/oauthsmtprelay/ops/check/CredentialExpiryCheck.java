package dev.oauthsmtprelay.ops.check;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.MicrosoftClientAuth;

/**
 * When the Microsoft application's secret or certificate stops working: a failure once it has passed, a warning
 * within {@link #WARNING} of it. Mail stops on that day otherwise, and nobody remembers the date.
 */
final class CredentialExpiryCheck implements RelayCheck {

    static final Duration WARNING = Duration.ofDays(30);

    @Override
    public List<CheckResult> run(CheckContext context) {
        if (context.credentials().get().isEmpty()
                || !(context.credentials().get().get().credentials() instanceof MicrosoftApp app)) {
            return List.of();
        }
        String subject = "credentials expiry (" + app.clientAuth().describe() + ")";
        Instant now = context.clock().instant();
        if (app.clientAuth() instanceof MicrosoftClientAuth.FederatedAssertion) {
            return List.of(CheckResult.pass(subject, "the issuer renews the assertion; nothing expires here"));
        }
        if (app.clientAuth().expiresAt().isEmpty()) {
            return List.of(CheckResult.pass(subject, "no expiry date known: copy the secret's expiry from "
                    + "Certificates & secrets into \"client_secret_expires\" (YYYY-MM-DD) to be warned 30 days ahead"));
        }
        Instant expires = app.clientAuth().expiresAt().get();
        String renew = "Create a new " + (app.clientAuth() instanceof MicrosoftClientAuth.ClientCertificate
                ? "certificate, upload it under Certificates & secrets and point client_certificate and private_key at it"
                : "client secret under Certificates & secrets, put it into client_secret with its client_secret_expires")
                + ", then restart the relay (docs/setup-microsoft.md).";
        if (!now.isBefore(expires)) {
            return List.of(CheckResult.fail(subject, "expired on " + expires + ": Entra refuses every token request",
                    renew));
        }
        long days = Duration.between(now, expires).toDays();
        if (Duration.between(now, expires).compareTo(WARNING) <= 0) {
            return List.of(CheckResult.warn(subject, "expires on " + expires + ", in " + days + " day(s)", renew));
        }
        return List.of(CheckResult.pass(subject, "expires on " + expires + ", in " + days + " days"));
    }
}
