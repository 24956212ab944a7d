package dev.oauthsmtprelay.delivery.graph;

import java.util.Locale;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;

/**
 * What a Graph error reply means for the message, with the fix: the application's permissions pause delivery; a
 * policy that leaves the mailbox out, or the mailbox itself, pause that mailbox's mail (every message as that mailbox
 * would fail the same way, while the others can go); a message Graph cannot take
 * is a dead letter; throttling and Graph's own trouble are retried. docs/setup-microsoft.md lists every code singled
 * out here ("Graph instead of SMTP").
 */
final class GraphErrors {

    private static final String GUIDE = " (docs/setup-microsoft.md, \"Graph instead of SMTP\")";

    private final String clientId;

    GraphErrors(String clientId) {
        this.clientId = clientId;
    }

    DeliveryFailure classify(GraphResponse response, String mailbox, String what) {
        String reply = response.describe();
        String prefix = "Graph refused " + what + " as " + mailbox + " (" + reply + "). ";
        switch (response.errorCode()) {
            case "InvalidAuthenticationToken" -> {
                return configuration(prefix + "The token is not one Graph takes: with \"transport\": \"graph\" the "
                        + "credentials file's scope must be https://graph.microsoft.com/.default (the default when it "
                        + "is left out), tenant_id must be the mailbox's tenant, and graph_endpoint must be in the "
                        + "same cloud as token_endpoint" + GUIDE + ".", reply);
            }
            case "ErrorAccessDenied", "Authorization_RequestDenied", "AccessDenied" -> {
                boolean policyLeavesOut = response.errorMessage().toLowerCase(Locale.ROOT).contains("accesspolicy");
                String policy = policyLeavesOut
                        ? "An application access policy (or an RBAC for Applications scope) leaves " + mailbox
                        + " out: add the mailbox to the policy's group, then check with Test-ApplicationAccessPolicy "
                        + "-Identity " + mailbox + " -AppId " + clientId + ". "
                        : "The application " + clientId + " lacks the Microsoft Graph application permission "
                        + "Mail.Send (and Mail.ReadWrite for drafts) with admin consent (a delegated permission does "
                        + "not count), or an application access policy leaves " + mailbox + " out. ";
                String message = prefix + policy + "Fix it in Entra (API permissions → Microsoft Graph → "
                        + "Application permissions → Grant admin consent) or Exchange Online; delivery resumes by "
                        + "itself" + GUIDE + ".";
                return policyLeavesOut ? mailboxOnly(message, reply) : configuration(message, reply);
            }
            case "MailboxNotEnabledForRESTAPI" -> {
                return mailboxOnly(prefix + mailbox + " cannot be used through Graph: the mailbox is inactive, "
                        + "soft-deleted, has no Exchange Online licence, or is on-premises. Licence it in Exchange "
                        + "Online, or map its senders to a cloud mailbox with relay.users" + GUIDE + ".", reply);
            }
            case "ErrorInvalidUser", "ResourceNotFound" -> {
                return mailboxOnly(prefix + "Graph knows no mailbox " + mailbox + " in this tenant. Check "
                        + "relay.users, relay.default-sender and relay.alias-domain: the sender must be a mailbox's "
                        + "primary address in the application's tenant" + GUIDE + ".", reply);
            }
            case "ErrorSendAsDenied" -> {
                return permanent(prefix + mailbox + " may not send as the message's From address. Keep "
                        + "relay.rewrite-from=outside-domains (the default) or set always, or grant Send As: "
                        + "Add-RecipientPermission -Identity <From address> -Trustee " + mailbox + " -AccessRights "
                        + "SendAs. A From display name with an @ in it is refused the same way. Retry the dead "
                        + "letter after the fix.", reply);
            }
            case "ErrorInvalidRecipients" -> {
                return permanent(prefix + "A recipient address is not valid, or the message has none. Check the "
                        + "envelope the sender gave; retry the dead letter with corrected recipients.", reply);
            }
            case "ErrorMimeContentInvalidBase64String", "ErrorMimeContentInvalid" -> {
                return permanent(prefix + "Graph cannot read the message's MIME. The message is kept as a dead "
                        + "letter as it was queued; fix the program that wrote it.", reply);
            }
            case "ErrorMessageSizeExceeded", "RequestBodyTooLarge" -> {
                return permanent(prefix + "The message is larger than " + mailbox + " may send (Exchange Online's "
                        + "default MaxSendSize is 35 MB; Set-Mailbox " + mailbox + " -MaxSendSize 150MB raises it), or "
                        + "a request went over Graph's 4 MB limit: lower relay.graph.draft-threshold.", reply);
            }
            case "ErrorQuotaExceeded" -> {
                return transientFailure(prefix + "The mailbox " + mailbox + " is over its storage quota, so Graph "
                        + "cannot save the message in Drafts or Sent Items. Free space or raise the quota; the relay "
                        + "retries.", reply);
            }
            default -> {
                return byStatus(response, prefix, reply);
            }
        }
    }

    private static DeliveryFailure byStatus(GraphResponse response, String prefix, String reply) {
        int status = response.status();
        if (status == 429 || status == 503) {
            return transientFailure(prefix + "Graph is throttling; the mailbox's mail waits for its Retry-After.",
                    reply);
        }
        if (status >= 500 || status == 408 || status == 409 || status == 412 || status == 423) {
            return transientFailure(prefix + "Graph could not take it now; the relay retries.", reply);
        }
        if (status == 401 || status == 403) {
            return configuration(prefix + "Check the application's Graph permissions (Mail.Send, application type, "
                    + "admin consent) and any application access policy" + GUIDE + ".", reply);
        }
        return permanent(prefix + "Graph will not take this message as it is.", reply);
    }

    private static DeliveryFailure configuration(String message, String reply) {
        return new DeliveryFailure(DeliveryFailure.Kind.CONFIGURATION, message, reply, null);
    }

    /** Only this mailbox's mail waits for the fix; the other mailboxes keep sending. */
    private static DeliveryFailure mailboxOnly(String message, String reply) {
        return new DeliveryFailure(DeliveryFailure.Kind.MAILBOX, message, reply, null);
    }

    private static DeliveryFailure permanent(String message, String reply) {
        return new DeliveryFailure(DeliveryFailure.Kind.PERMANENT, message, reply, null);
    }

    private static DeliveryFailure transientFailure(String message, String reply) {
        return new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, message, reply, null);
    }
}
