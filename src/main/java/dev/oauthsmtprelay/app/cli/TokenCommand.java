package dev.oauthsmtprelay.app.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.oauthsmtprelay.app.RelayEnvironment;
import dev.oauthsmtprelay.credentials.Account;
import dev.oauthsmtprelay.credentials.Finding;
import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.Provider;
import dev.oauthsmtprelay.credentials.ProviderCredentials;
import dev.oauthsmtprelay.delivery.sender.SenderResolution;
import dev.oauthsmtprelay.oauth.AccessToken;
import dev.oauthsmtprelay.oauth.JwtAccessTokenInfo;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Request one access token exactly as delivery would and show what it grants "
                + "(the token itself is shown redacted). Exit status 0 on success, 1 on failure.")
class TokenCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = {"-u", "--user"}, paramLabel = "MAILBOX",
            description = "Sender mailbox (or local sender in relay.users) to get the token for (default: "
                    + "relay.default-sender). Its domain picks the account, as in delivery. "
                    + "Google issues one token per mailbox; Microsoft one per application.")
    String user;

    @Spec
    CommandSpec spec;

    private final Clock clock;

    TokenCommand() {
        this(Clock.systemUTC());
    }

    TokenCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        var writer = spec.commandLine().getOut();
        var errors = spec.commandLine().getErr();
        try (var context = config.propertiesContext()) {
            RelayEnvironment environment = RelayEnvironment.from(context, clock);
            SenderResolution resolution = user == null ? null : environment.senders().resolve(user);
            if (resolution != null && !resolution.isResolved()) {
                errors.println(resolution.explanation());
                return 1;
            }
            String mailbox = resolution != null ? resolution.mailbox().orElseThrow()
                    : environment.defaultSender().orElse(null);
            Account account = mailbox == null ? environment.accounts().primary()
                    : environment.accounts().forMailbox(mailbox).orElse(null);
            if (account == null) {
                errors.println(environment.accounts().noAccountReason(mailbox));
                return 1;
            }
            ProviderCredentials credentials = account.credentials();
            for (Finding warning : account.check().warnings()) {
                errors.println("warning: " + (warning.field() == null ? "" : "\"" + warning.field() + "\" ")
                        + warning.message());
            }
            if (mailbox == null && credentials.provider() == Provider.GOOGLE) {
                errors.println("Google issues one token per sender mailbox: give --user MAILBOX or set "
                        + "relay.default-sender.");
                return 1;
            }
            AccessToken token = environment.tokenService(account).token(mailbox == null ? "" : mailbox);
            writer.println("account:   " + account.describe() + ", " + account.source());
            if (resolution != null && !mailbox.equalsIgnoreCase(user.trim())) {
                writer.println("sender:    " + resolution.explanation());
            }
            writer.println("provider:  " + credentials.provider().displayName() + " (" + credentials.clientId() + ")");
            writer.println("endpoint:  " + credentials.tokenEndpoint());
            boolean graph = credentials instanceof MicrosoftApp app && app.transport() == MicrosoftApp.Transport.GRAPH;
            if (credentials instanceof MicrosoftApp app) {
                writer.println("auth:      " + app.clientAuth().describe());
                writer.println("transport: " + (graph ? "Microsoft Graph " + app.graphEndpoint() : "SMTP"));
            }
            writer.println("mailbox:   " + (mailbox == null ? "(application token, valid for every permitted mailbox)" : mailbox));
            writer.println("expires:   " + token.expiresAt() + " (in "
                    + Duration.between(clock.instant(), token.expiresAt()).toMinutes() + " min)");
            if (token.scope() != null) {
                writer.println("scope:     " + token.scope());
            }
            JwtAccessTokenInfo.of(token).ifPresentOrElse(info -> {
                writer.println("audience:  " + String.join(", ", info.audience()));
                writer.println("scopes:    " + (info.scopes().isEmpty() ? "(none)" : String.join(" ", info.scopes())));
                writer.println("roles:     " + (info.roles().isEmpty() ? "(none)" : String.join(" ", info.roles())));
                if (graph) {
                    writer.println("set-up:    " + (!info.roles().contains("Mail.Send")
                            ? "Mail.Send missing: Graph refuses every message (grant it as an application permission)"
                            : !info.roles().contains("Mail.ReadWrite")
                                    ? "Mail.Send only: small messages go; drafts for large ones need Mail.ReadWrite"
                                    : "Mail.Send and Mail.ReadWrite: sendMail and drafts; 'check' reads each sender's "
                                            + "Drafts folder"));
                } else if (credentials.provider() == Provider.MICROSOFT) {
                    writer.println("set-up:    " + (info.roles().contains("SMTP.SendAsApp")
                            ? "classic (path B): SMTP.SendAsApp by admin consent; mailboxes need Add-MailboxPermission"
                            : info.roles().isEmpty()
                                    ? "no roles: RBAC for Applications (path A), where Exchange's role assignment "
                                            + "decides, or nothing set up yet; 'check' tries the login"
                                    : "roles without SMTP.SendAsApp: neither path complete (docs/setup-microsoft.md)"));
                }
                writer.println("app id:    " + (info.appId() == null ? "(none)" : info.appId()));
            }, () -> writer.println("format:    opaque (not a JWT; the provider does not disclose its contents)"));
            writer.println("token:     " + token.redacted());
            writer.flush();
            return 0;
        } catch (RuntimeException e) {
            errors.println("No token: " + e.getMessage());
            errors.flush();
            return 1;
        }
    }
}
