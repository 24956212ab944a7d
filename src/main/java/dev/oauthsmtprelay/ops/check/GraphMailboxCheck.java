package dev.oauthsmtprelay.ops.check;

import java.util.ArrayList;
import java.util.List;

import jakarta.mail.Session;

import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.delivery.graph.GraphClient;
import dev.oauthsmtprelay.delivery.graph.GraphSettings;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.oauth.TokenService;

/**
 * For the Graph transport: reads each sender mailbox's Drafts folder, nothing sent. Mail.ReadWrite allows it, and a
 * 200 also proves that the mailbox exists in the tenant, is enabled for REST, and that no application access policy
 * leaves it out; Graph's refusal names which of these failed.
 */
final class GraphMailboxCheck implements RelayCheck {

    @Override
    public List<CheckResult> run(CheckContext context) {
        MicrosoftApp app = context.graph().orElse(null);
        TokenService tokens = context.tokens().get().orElse(null);
        if (app == null || tokens == null || !context.settings().credentialsEnabled()) {
            return List.of();
        }
        List<String> mailboxes = context.senderMailboxes();
        if (mailboxes.isEmpty()) {
            return List.of(CheckResult.warn("Graph mailbox", "no sender mailbox to check",
                    "Set relay.default-sender (or map senders in relay.users) to the mailbox the relay sends as."));
        }
        GraphClient client = new GraphClient(GraphSettings.from(context.settings(), app.graphEndpoint()), tokens,
                app.clientId(), context.settings().dataDir(), Session.getInstance(new java.util.Properties()),
                context.clock());
        List<CheckResult> results = new ArrayList<>();
        for (String mailbox : mailboxes) {
            String subject = "Graph mailbox " + mailbox + " at " + app.graphEndpoint();
            try {
                results.add(CheckResult.pass(subject, client.probe(mailbox)
                        + " (the mailbox exists, is enabled for REST, and the app may use it)"));
            } catch (DeliveryFailure e) {
                results.add(CheckResult.fail(subject, e.hubReply() == null ? "refused" : "refused: " + e.hubReply(),
                        e.getMessage()));
            }
        }
        return results;
    }
}
