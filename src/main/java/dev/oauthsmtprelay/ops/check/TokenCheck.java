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
        if (context.provider().orElseThrow() == Provider.MICROSOFT) {
            List<String> missing = new ArrayList<>();
            if (!info.roles().contains(MICROSOFT_SMTP_ROLE)) {
                missing.add("role " + MICROSOFT_SMTP_ROLE);
            }
            if (info.audience().stream().noneMatch(a -> a.replaceAll("/$", "").equalsIgnoreCase(MICROSOFT_SMTP_AUDIENCE))) {
                missing.add("audience " + MICROSOFT_SMTP_AUDIENCE);
            }
            if (!missing.isEmpty()) {
                return CheckResult.warn(subject, detail + "; lacks " + String.join(" and ", missing),
                        "In Microsoft Entra, add the API permission Office 365 Exchange Online → Application "
                                + "permissions → SMTP.SendAsApp to the app registration and grant admin consent; "
                                + "request scope https://outlook.office365.com/.default. See docs/setup-microsoft.md.");
            }
        }
        return CheckResult.pass(subject, detail);
    }
}
