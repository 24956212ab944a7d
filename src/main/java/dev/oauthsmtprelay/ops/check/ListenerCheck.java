package dev.oauthsmtprelay.ops.check;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.intake.smtp.ListenerSettings;
import dev.oauthsmtprelay.intake.smtp.ListenerTls;
import dev.oauthsmtprelay.intake.smtp.ListenerUsers;
import dev.oauthsmtprelay.intake.smtp.SmtpListener;

/**
 * With {@code relay.listener.enabled=true}: the port can be bound (or this relay already listens there), the TLS
 * certificate and key make a pair that is valid now and for more than {@link #EXPIRY_WARNING} more, and the users
 * file exists when AUTH is on.
 */
final class ListenerCheck implements RelayCheck {

    static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final String SUBJECT = "SMTP listener";

    @Override
    public List<CheckResult> run(CheckContext context) {
        if (!context.settings().get(RelayKeys.LISTENER_ENABLED)) {
            return List.of();
        }
        if (context.settings().optional(RelayKeys.LISTENER_ALLOWED_SENDERS).isEmpty()
                && context.settings().optional(RelayKeys.ALIAS_DOMAIN).isEmpty()) {
            return List.of(); // the default allowed senders need relay.alias-domain; the configuration check says so
        }
        ListenerSettings settings;
        try {
            settings = ListenerSettings.from(context.settings(), context.accounts().get()
                    .map(accounts -> accounts.domains()).orElseGet(() -> List.of(context.settings().aliasDomain())));
        } catch (ConfigurationException e) {
            return List.of(CheckResult.fail(SUBJECT, e.getMessage(), "Fix the relay.listener.* setting named above."));
        }
        List<CheckResult> results = new ArrayList<>();
        results.add(port(settings));
        if (settings.tls() != ListenerSettings.Tls.NONE) {
            results.add(certificate(settings, context.clock().instant()));
        }
        if (settings.auth() != ListenerSettings.Auth.NONE) {
            results.add(users(settings));
        }
        return results;
    }

    private static CheckResult port(ListenerSettings settings) {
        String subject = SUBJECT + " port (" + RelayKeys.LISTENER_HOST + ", " + RelayKeys.LISTENER_PORT + ")";
        String problem = SmtpListener.bindProblem(settings);
        if (problem == null) {
            return CheckResult.pass(subject, settings.describe() + " can be bound");
        }
        if (relayGreets(settings)) {
            return CheckResult.pass(subject, "a running oauth-smtp-relay already listens on " + settings.describe());
        }
        String fix = settings.port() < 1024 && problem.contains("Permission denied")
                ? "Ports below 1024 need root or CAP_NET_BIND_SERVICE: keep 2525 and point the senders at it, or grant "
                        + "the capability (AmbientCapabilities=CAP_NET_BIND_SERVICE in the systemd unit)."
                : "Stop the program that holds the port (find it with: ss -ltnp 'sport = :" + settings.port()
                        + "'), or change " + RelayKeys.LISTENER_PORT + " / " + RelayKeys.LISTENER_HOST + ".";
        return CheckResult.fail(subject, problem, fix);
    }

    /** Whether what holds the port is an oauth-smtp-relay, by its greeting. */
    private static boolean relayGreets(ListenerSettings settings) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(settings.host(), settings.port()), 2000);
            socket.setSoTimeout(2000);
            InputStream in = socket.getInputStream();
            byte[] greeting = new byte[512];
            int read = in.read(greeting);
            return read > 0 && new String(greeting, 0, read, StandardCharsets.US_ASCII).startsWith("220 ")
                    && new String(greeting, 0, read, StandardCharsets.US_ASCII).contains("oauth-smtp-relay");
        } catch (IOException e) {
            return false;
        }
    }

    private static CheckResult certificate(ListenerSettings settings, Instant now) {
        String subject = SUBJECT + " certificate (" + RelayKeys.LISTENER_TLS_CERTIFICATE + ")";
        X509Certificate certificate;
        try {
            ListenerTls.context(settings.certificate().orElseThrow(), settings.key().orElseThrow());
            certificate = ListenerTls.certificates(settings.certificate().orElseThrow()).get(0);
        } catch (ConfigurationException e) {
            return CheckResult.fail(subject, e.getMessage(), "Give the PEM certificate chain and its PKCS#8 key ("
                    + RelayKeys.LISTENER_TLS_KEY + ").");
        }
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        String detail = certificate.getSubjectX500Principal().getName() + ", valid " + notBefore + " to " + notAfter;
        String renew = "Renew the certificate, replace the PEM files and restart the relay; clients that verify it "
                + "(Postfix with smtp_tls_security_level=verify, IBM i with a DCM trust) stop sending otherwise.";
        if (now.isBefore(notBefore)) {
            return CheckResult.fail(subject, detail + ": not valid yet", "Check the clock, or use a certificate that "
                    + "is valid now.");
        }
        if (!now.isBefore(notAfter)) {
            return CheckResult.fail(subject, detail + ": expired", renew);
        }
        Duration left = Duration.between(now, notAfter);
        if (left.compareTo(EXPIRY_WARNING) <= 0) {
            return CheckResult.warn(subject, detail + ": expires in " + left.toDays() + " day(s)", renew);
        }
        return CheckResult.pass(subject, detail + " (" + left.toDays() + " days left)");
    }

    private static CheckResult users(ListenerSettings settings) {
        String subject = SUBJECT + " users (" + RelayKeys.LISTENER_USERS + ")";
        try {
            List<String> names = ListenerUsers.load(settings.usersFile()).names();
            if (names.isEmpty()) {
                return CheckResult.warn(subject, settings.usersFile().toAbsolutePath() + " has no users, so no client "
                        + "can log in", "Add one: oauth-smtp-relay listener-user add NAME");
            }
            return CheckResult.pass(subject, names.size() + " user(s) in " + settings.usersFile().toAbsolutePath());
        } catch (ConfigurationException e) {
            return CheckResult.fail(subject, e.getMessage(), "Create it: oauth-smtp-relay listener-user add NAME");
        }
    }
}
