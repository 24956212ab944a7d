package dev.oauthsmtprelay.ops.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.Key;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;
import dev.oauthsmtprelay.credentials.Provider;
import dev.oauthsmtprelay.delivery.sender.SenderResolver;
import dev.oauthsmtprelay.delivery.smtp.SendingLimitReplies;
import dev.oauthsmtprelay.delivery.smtp.SmtpSettings;
import dev.oauthsmtprelay.delivery.smtp.TlsMode;

/**
 * Required keys, the port/TLS combination, the default sender, the relay.users file, and connections per mailbox
 * against Microsoft 365's limit.
 */
final class ConfigurationCheck implements RelayCheck {

    @Override
    public List<CheckResult> run(CheckContext context) {
        RelaySettings settings = context.settings();
        List<CheckResult> results = new ArrayList<>();
        for (Key<?> key : List.of(RelayKeys.ALIAS_DOMAIN, RelayKeys.CREDENTIALS)) {
            if (settings.text(key).isEmpty()) {
                results.add(CheckResult.fail("configuration " + key, "not set",
                        "Add " + key + "=... to the file given with --config (or set -D" + key + "=... or the "
                                + "environment variable " + key.environmentVariable() + ")."));
            }
        }
        if (!settings.credentialsEnabled()) {
            results.add(CheckResult.warn("configuration " + RelayKeys.CREDENTIALS_ENABLED, "false: no token is "
                    + "requested and nothing can be delivered", "Set " + RelayKeys.CREDENTIALS_ENABLED + "=true once "
                    + "the credentials file is in place."));
        }
        results.add(smtp(context));
        if (settings.text(RelayKeys.ALIAS_DOMAIN).isPresent()) {
            results.add(senders(context));
        }
        connectionsPerMailbox(context).ifPresent(results::add);
        return results;
    }

    /** Exchange Online answers a fourth concurrent connection of a mailbox with 432 4.3.2 on every one of them. */
    private static Optional<CheckResult> connectionsPerMailbox(CheckContext context) {
        if (context.provider().filter(p -> p == Provider.MICROSOFT).isEmpty()) {
            return Optional.empty();
        }
        int limit = SendingLimitReplies.MICROSOFT_MAX_CONNECTIONS;
        int configured;
        try {
            configured = context.settings().get(RelayKeys.SMTP_POOL_MAX_PER_MAILBOX);
        } catch (ConfigurationException e) {
            return Optional.empty(); // the relay refuses to start with the key's own message
        }
        String name = "configuration " + RelayKeys.SMTP_POOL_MAX_PER_MAILBOX;
        if (configured > limit) {
            return Optional.of(CheckResult.warn(name, configured + ", but Microsoft 365 allows " + limit
                    + " connections per mailbox at a time and refuses messages on all of them beyond that "
                    + "(432 4.3.2 Concurrent connections limit exceeded)", "Set "
                    + RelayKeys.SMTP_POOL_MAX_PER_MAILBOX + "=" + limit + " or less, divided by the number of relay "
                    + "instances sending as the same mailboxes."));
        }
        return Optional.of(CheckResult.pass(name, configured + " (Microsoft 365 allows " + limit + ")"));
    }

    private static CheckResult smtp(CheckContext context) {
        context.smtp().get();
        if (context.smtp().error().isPresent()) {
            RuntimeException e = context.smtp().error().get();
            return CheckResult.fail("configuration relay.smtp.*", e.getMessage(),
                    "Correct relay.smtp.tls (starttls or implicit), relay.smtp.port and relay.smtp.host.");
        }
        SmtpSettings smtp = context.smtp().get().orElseThrow();
        if (smtp.tls() == TlsMode.STARTTLS && smtp.port() == 465 || smtp.tls() == TlsMode.IMPLICIT && smtp.port() == 587) {
            TlsMode matching = smtp.port() == 465 ? TlsMode.IMPLICIT : TlsMode.STARTTLS;
            return CheckResult.warn("configuration relay.smtp.port/tls", "port " + smtp.port() + " with relay.smtp.tls="
                    + smtp.tls().name().toLowerCase() + ": port " + smtp.port() + " normally speaks "
                    + (matching == TlsMode.IMPLICIT ? "TLS from the first byte" : "STARTTLS"),
                    "Use relay.smtp.tls=" + matching.name().toLowerCase() + " for port " + smtp.port()
                            + ", or port " + smtp.tls().defaultPort() + " for " + smtp.tls().name().toLowerCase() + ".");
        }
        return CheckResult.pass("configuration relay.smtp.*", smtp.describe()
                + smtp.trustStore().map(p -> ", trust store " + p).orElse(", JVM trust store"));
    }

    private static CheckResult senders(CheckContext context) {
        if (context.senders().error().isPresent()) {
            return CheckResult.fail("configuration senders", context.senders().error().get().getMessage(),
                    "Correct " + RelayKeys.DEFAULT_SENDER + " or the " + RelayKeys.USERS
                            + " file as described above.");
        }
        SenderResolver resolver = context.senders().get().orElseThrow();
        String detail = "alias domain " + resolver.aliasDomain() + ", "
                + resolver.users().file().map(f -> resolver.users().size() + " mapping(s) in " + f)
                        .orElse("no " + RelayKeys.USERS + " file")
                + ", default sender " + resolver.defaultSender().orElse("(not set)");
        return CheckResult.pass("configuration senders", detail);
    }
}
