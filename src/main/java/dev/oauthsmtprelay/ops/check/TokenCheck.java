package dev.oauthsmtprelay.ops.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.oauthsmtprelay.credentials.Provider;
import dev.oauthsmtprelay.oauth.AccessToken;
import dev.oauthsmtprelay.oauth.JwtAccessTokenInfo;
import dev.oauthsmtprelay.oauth.TokenException;
import dev.oauthsmtprelay.oauth.TokenService;

/**
 * Obtains a token as delivery would: Google one per sender mailbox, Microsoft one for the
 * application; and shows what a JWT token grants.
 */
final class TokenCheck implements RelayCheck {

    static final String MICROSOFT_SMTP_ROLE = "SMTP.SendAsApp";
    static final String MICROSOFT_SMTP_AUDIENCE = "https://outlook.office365.com";
    static final String GRAPH_AUDIENCE = "https://graph.microsoft.com";
    static final String GRAPH_SEND_ROLE = "Mail.Send";
    static final String GRAPH_DRAFT_ROLE = "Mail.ReadWrite";

    @Override
    public List<CheckResult> run(CheckContext context) {
        if (context.provider().isEmpty() || !context.settings().credentialsEnabled()) {
            return List.of();
        }
        TokenService tokens = context.tokens().get().orElse(null);
        if (tokens == null) {
            return List.of(CheckResult.fail("token", String.valueOf(context.tokens().error().map(Throwable::getMessage)
                    .orElse("no token service")), "Correct the relay.token.* keys."));
        }
        if (context.provider().get() == Provider.MICROSOFT) {
            return List.of(token(context, tokens, "", "token for the application"));
        }
        List<String> mailboxes = context.senderMailboxes();
        if (mailboxes.isEmpty()) {
            return List.of(CheckResult.warn("token", "no sender mailbox to request a Google token for",
                    "Set relay.default-sender (or map senders in relay.users) to the mailbox the relay sends as."));
        }
        List<CheckResult> results = new ArrayList<>();
        for (String mailbox : mailboxes) {
            results.add(token(context, tokens, mailbox, "token for " + mailbox));
        }
        return results;
    }

    private static CheckResult token(CheckContext context, TokenService tokens, String mailbox, String subject) {
        AccessToken token;
        try {
            token = tokens.token(mailbox);
        } catch (TokenException e) {
            return CheckResult.fail(subject, "no token from " + tokens.client().describe()
                    + e.errorCode().map(code -> " (" + code + ")").orElse(""), e.getMessage());
        }
        String detail = "expires in " + Duration.between(context.clock().instant(), token.expiresAt()).toMinutes()
                + " min";
        JwtAccessTokenInfo info = JwtAccessTokenInfo.of(token).orElse(null);
        if (info == null) {
            return CheckResult.pass(subject, detail + ", opaque token" + (token.scope() == null ? ""
                    : ", scope " + token.scope()));
        }
        detail += ", audience " + String.join(" ", info.audience()) + ", roles "
                + (info.roles().isEmpty() ? "(none)" : String.join(" ", info.roles())) + ", scopes "
                + (info.scopes().isEmpty() ? "(none)" : String.join(" ", info.scopes()));
        if (context.graph().isPresent()) {
            return graphRoles(subject, detail, info);
        }
        if (context.provider().orElseThrow() == Provider.MICROSOFT) {
            if (info.audience().stream().noneMatch(a -> a.replaceAll("/$", "").equalsIgnoreCase(MICROSOFT_SMTP_AUDIENCE))) {
                return CheckResult.warn(subject, detail + "; lacks audience " + MICROSOFT_SMTP_AUDIENCE,
                        "Request scope https://outlook.office365.com/.default (the relay does, unless the credentials "
                                + "file's scope says otherwise). See docs/setup-microsoft.md.");
            }
            return microsoftRoles(subject, detail, info.roles());
        }
        return CheckResult.pass(subject, detail);
    }

    /** The Graph transport needs Mail.Send to send, and Mail.ReadWrite for drafts and for the mailbox check. */
    static CheckResult graphRoles(String subject, String detail, JwtAccessTokenInfo info) {
        String fix = "In Entra: API permissions -> Add a permission -> Microsoft Graph -> Application permissions -> "
                + "Mail.Send and Mail.ReadWrite -> Grant admin consent (docs/setup-microsoft.md, \"Graph instead of "
                + "SMTP\"). Then scope them to the sender mailboxes with an application access policy or RBAC for "
                + "Applications.";
        if (info.audience().stream().noneMatch(a -> a.replaceAll("/$", "").equalsIgnoreCase(GRAPH_AUDIENCE))) {
            return CheckResult.fail(subject, detail + "; not a Microsoft Graph token (audience " + GRAPH_AUDIENCE
                    + " missing)", "Remove \"scope\" from the credentials file, or set it to "
                    + "https://graph.microsoft.com/.default, for \"transport\": \"graph\".");
        }
        if (!info.roles().contains(GRAPH_SEND_ROLE)) {
            return CheckResult.fail(subject, detail + "; lacks " + GRAPH_SEND_ROLE + ": Graph refuses every message",
                    fix);
        }
        if (!info.roles().contains(GRAPH_DRAFT_ROLE)) {
            return CheckResult.warn(subject, detail + "; lacks " + GRAPH_DRAFT_ROLE + ": messages from "
                    + "relay.graph.draft-threshold bytes (drafts) and the mailbox check below fail", fix);
        }
        return CheckResult.pass(subject, detail + "; Graph transport: " + GRAPH_SEND_ROLE + " sends, "
                + GRAPH_DRAFT_ROLE + " creates drafts for large messages");
    }

    /**
     * Microsoft has two set-ups that exclude each other (docs/setup-microsoft.md): RBAC for Applications (path A)
     * grants SMTP in Exchange and gives a token without roles; the classic one (path B) puts SMTP.SendAsApp in it.
     */
    static CheckResult microsoftRoles(String subject, String detail, List<String> roles) {
        if (roles.contains(MICROSOFT_SMTP_ROLE)) {
            return CheckResult.pass(subject, detail + "; classic set-up (path B): the mailboxes need FullAccess for "
                    + "the service principal (Add-MailboxPermission)");
        }
        if (roles.isEmpty()) {
            return CheckResult.pass(subject, detail + "; no roles, as RBAC for Applications (path A, recommended) "
                    + "gives: Exchange decides with its management role assignment, which the XOAUTH2 login below "
                    + "tries. On the classic set-up (path B) the token would carry " + MICROSOFT_SMTP_ROLE);
        }
        return CheckResult.warn(subject, detail + "; roles without " + MICROSOFT_SMTP_ROLE + ": a half-done set-up",
                "Pick one path (docs/setup-microsoft.md). Path A, RBAC for Applications (recommended): remove the "
                        + "API permissions from the app registration (Enterprise applications -> Permissions: revoke "
                        + "the consent) and assign 'Application SMTP.SendAsApp' with New-ManagementRoleAssignment. "
                        + "Path B, classic: add Office 365 Exchange Online -> Application permissions -> "
                        + MICROSOFT_SMTP_ROLE + " and grant admin consent. (Mail.Send is for the Graph transport only.)");
    }
}
