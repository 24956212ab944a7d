package dev.oauthsmtprelay.ops.check;

import java.util.ArrayList;
import java.util.List;

import dev.oauthsmtprelay.delivery.smtp.SmtpClient;
import dev.oauthsmtprelay.delivery.smtp.SmtpSettings;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.oauth.TokenService;

/** Logs in with XOAUTH2 as each sender mailbox and quits: token, TLS and mailbox permissions, nothing sent. */
final class XOAuth2LoginCheck implements RelayCheck {

    @Override
    public List<CheckResult> run(CheckContext context) {
        SmtpSettings smtp = context.smtp().get().orElse(null);
        TokenService tokens = context.tokens().get().orElse(null);
        if (smtp == null || tokens == null || !context.settings().credentialsEnabled() || context.graph().isPresent()) {
            return List.of();
        }
        List<String> mailboxes = context.senderMailboxes();
        if (mailboxes.isEmpty()) {
            return List.of(CheckResult.warn("XOAUTH2 login", "no sender mailbox to log in as",
                    "Set relay.default-sender (or map senders in relay.users) to the mailbox the relay sends as."));
        }
        SmtpClient client = new SmtpClient(smtp, tokens);
        List<CheckResult> results = new ArrayList<>();
        for (String mailbox : mailboxes) {
            String subject = "XOAUTH2 login " + mailbox + " at " + smtp.host() + ":" + smtp.port();
            try {
                results.add(CheckResult.pass(subject, "accepted (" + client.probe(mailbox).trim() + ")"));
            } catch (DeliveryFailure e) {
                results.add(CheckResult.fail(subject, e.hubReply() == null ? "refused" : "refused: " + e.hubReply().trim(),
                        e.getMessage()));
            }
        }
        return results;
    }
}
