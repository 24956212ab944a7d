package dev.oauthsmtprelay.delivery.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;

/** Explains the hub's answers to an XOAUTH2 login in terms an administrator can act on. */
public final class SmtpReplies {

    private static final Pattern CHALLENGE = Pattern.compile("^334\\s+(\\S+)");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"?(\\d{3})");

    private SmtpReplies() {
    }

    /**
     * Whether a refused login concerns the one mailbox (its mail waits, the others go on) or every mailbox of the
     * account (delivery pauses). The token was issued, so a refusal names the mailbox unless the hub says the
     * tenant is at fault (SMTP AUTH off for the organisation, a password where a token was expected) or gives no
     * reason the relay knows.
     */
    public static DeliveryFailure.Kind refusedLoginScope(String reply) {
        String upper = reply == null ? "" : reply.trim().toUpperCase(Locale.ROOT);
        Matcher challenge = CHALLENGE.matcher(reply == null ? "" : reply.trim());
        if (challenge.find()) {
            Matcher status = STATUS.matcher(decode(challenge.group(1)));
            return status.find() && status.group(1).equals("401") ? DeliveryFailure.Kind.MAILBOX
                    : DeliveryFailure.Kind.CONFIGURATION;
        }
        if (upper.contains("5.7.139")) {
            return upper.contains("FOR THE MAILBOX") ? DeliveryFailure.Kind.MAILBOX : DeliveryFailure.Kind.CONFIGURATION;
        }
        if (upper.contains("5.7.30")) {
            return DeliveryFailure.Kind.CONFIGURATION;
        }
        if (upper.contains("5.7.3") || upper.contains("5.7.8") || upper.contains("MAPIEXCEPTIONLOGONFAILED")) {
            return DeliveryFailure.Kind.MAILBOX;
        }
        return DeliveryFailure.Kind.CONFIGURATION;
    }

    /** @param reply the hub's last reply to AUTH (a 535 line, or Gmail's "334 base64-JSON" challenge) */
    public static String explainRejectedLogin(String mailbox, String host, String reply) {
        String text = reply == null ? "" : reply.trim();
        String upper = text.toUpperCase(Locale.ROOT);
        Matcher challenge = CHALLENGE.matcher(text);
        if (challenge.find()) {
            String json = decode(challenge.group(1));
            Matcher status = STATUS.matcher(json);
            String code = status.find() ? status.group(1) : "?";
            return host + " refused the XOAUTH2 login of " + mailbox + " with status " + code + " (" + json + "): "
                    + switch (code) {
                        case "401" -> "the token is not valid for this mailbox. For Google: the token must be issued for "
                                + "this very user (sub) with scope https://mail.google.com/, and the mailbox must be a "
                                + "Workspace user with Gmail enabled. Run 'token --user " + mailbox + "' to check.";
                        case "400" -> "the login request was malformed (wrong mailbox syntax or token type).";
                        default -> "see the provider's status code.";
                    };
        }
        if (upper.contains("5.7.139") && upper.contains("FOR THE MAILBOX")) {
            return host + " refused the login of " + mailbox + " (" + text + "): SMTP AUTH is disabled for this "
                    + "mailbox. Turn on 'Authenticated SMTP' for " + mailbox + " in the Exchange admin center (the "
                    + "mailbox → Manage email apps settings), or run Set-CASMailbox -Identity " + mailbox
                    + " -SmtpClientAuthenticationDisabled $false.";
        }
        if (upper.contains("5.7.139")) {
            return host + " refused the login of " + mailbox + " (" + text + "): SMTP AUTH is disabled for the tenant "
                    + "or this mailbox. Enable 'Authenticated SMTP' for the mailbox in the Exchange admin center "
                    + "(Mail flow settings) and make sure SMTP AUTH is not turned off for the organization "
                    + "(Set-TransportConfig -SmtpClientAuthenticationDisabled $false).";
        }
        if (upper.contains("5.7.30")) {
            return host + " refused the login of " + mailbox + " (" + text + "): Basic authentication (a password) "
                    + "is off for client submission. The relay logs in with OAuth; a device that sends passwords must "
                    + "send through the relay's SMTP listener instead.";
        }
        if (upper.contains("5.7.3")) {
            return host + " refused the login of " + mailbox + " (" + text + "): the token was issued but Exchange "
                    + "does not let the application use this mailbox. Register the app's service principal in "
                    + "Exchange Online (New-ServicePrincipal), then give it the mailbox on one of the two paths: "
                    + "RBAC for Applications (New-ManagementRoleAssignment -Role 'Application SMTP.SendAsApp', and no "
                    + "SMTP.SendAsApp consent in Entra) or the classic one (SMTP.SendAsApp consent and "
                    + "Add-MailboxPermission). Check the mailbox has an Exchange Online licence, and that the token's "
                    + "scope is https://outlook.office365.com/.default. See docs/setup-microsoft.md.";
        }
        if (upper.contains("4.2.0") && upper.contains("MAPIEXCEPTIONLOGONFAILED")) {
            return host + " could not open the mailbox of " + mailbox + " (" + text + "): the service principal "
                    + "and the mailbox grant do not match (New-ServicePrincipal with the Enterprise application's "
                    + "object ID, and the grant of docs/setup-microsoft.md step 5), or a new grant is not effective "
                    + "yet. Retried.";
        }
        if (upper.contains("5.7.8")) {
            return host + " refused the login of " + mailbox + " (" + text + "): the token was not accepted for this "
                    + "mailbox. Check that the sender is a real user of the domain and that the credentials are allowed "
                    + "to act for it (Google: domain-wide delegation with scope https://mail.google.com/).";
        }
        return host + " refused the XOAUTH2 login of " + mailbox + " (" + (text.isEmpty() ? "no reply" : text)
                + "). Check the credentials and the provider-side permissions for this mailbox.";
    }

    /** Explains a refused MAIL FROM (sender not allowed), e.g. Microsoft's 5.7.60 SendAsDenied. */
    public static String explainRefusedSender(String mailbox, String mailFrom, String reply) {
        String upper = reply == null ? "" : reply.toUpperCase(Locale.ROOT);
        if (upper.contains("5.7.60") || upper.contains("SENDASDENIED")) {
            return "The hub does not let " + mailbox + " send as " + mailFrom + " (" + reply.trim() + "). Grant "
                    + mailbox + " 'Send As' on " + mailFrom + ", or map the sender to " + mailbox + " in relay.users.";
        }
        if (upper.contains("5.7.57")) {
            return "The hub says the client is not authenticated (" + reply.trim() + "): the login did not succeed "
                    + "for " + mailbox + ".";
        }
        return "The hub refused the sender " + mailFrom + " (" + (reply == null ? "no reply" : reply.trim()) + ").";
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).trim();
        } catch (IllegalArgumentException e) {
            return base64;
        }
    }
}
