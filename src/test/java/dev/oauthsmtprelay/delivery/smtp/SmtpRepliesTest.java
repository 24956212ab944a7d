package dev.oauthsmtprelay.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.delivery.transport.DeliveryFailure.Kind;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

class SmtpRepliesTest {

    private static String gmailChallenge(String status) {
        String json = "{\"status\":\"" + status + "\",\"schemes\":\"bearer\"}";
        return "334 " + Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_refusal_that_names_the_mailbox_pauses_only_that_mailbox() {
        assertThat(SmtpReplies.refusedLoginScope(XOAuth2SmtpHub.SMTP_AUTH_DISABLED_FOR_MAILBOX)).isEqualTo(Kind.MAILBOX);
        assertThat(SmtpReplies.refusedLoginScope(XOAuth2SmtpHub.OFFICE365_AUTH_REJECTED)).isEqualTo(Kind.MAILBOX);
        assertThat(SmtpReplies.refusedLoginScope(XOAuth2SmtpHub.GMAIL_AUTH_REJECTED)).isEqualTo(Kind.MAILBOX);
        assertThat(SmtpReplies.refusedLoginScope(gmailChallenge("401"))).isEqualTo(Kind.MAILBOX);
        assertThat(SmtpReplies.refusedLoginScope("430 4.2.0 STOREDRV.Submission.Exception: "
                + "MapiExceptionLogonFailed; Failed to process message due to a permanent exception"))
                .isEqualTo(Kind.MAILBOX);
    }

    @Test
    void a_refusal_for_the_tenant_or_an_unknown_one_pauses_the_account() {
        assertThat(SmtpReplies.refusedLoginScope(XOAuth2SmtpHub.SMTP_AUTH_DISABLED_FOR_TENANT))
                .isEqualTo(Kind.CONFIGURATION);
        assertThat(SmtpReplies.refusedLoginScope("550 5.7.30 Basic authentication is not supported for Client "
                + "Submission")).isEqualTo(Kind.CONFIGURATION);
        assertThat(SmtpReplies.refusedLoginScope(gmailChallenge("400"))).isEqualTo(Kind.CONFIGURATION);
        assertThat(SmtpReplies.refusedLoginScope("535 Authentication failed")).isEqualTo(Kind.CONFIGURATION);
        assertThat(SmtpReplies.refusedLoginScope(null)).isEqualTo(Kind.CONFIGURATION);
    }

    @Test
    void smtp_auth_off_for_a_mailbox_names_the_command_that_turns_it_on() {
        assertThat(SmtpReplies.explainRejectedLogin("payroll@example.com", "smtp.office365.com",
                XOAuth2SmtpHub.SMTP_AUTH_DISABLED_FOR_MAILBOX))
                .contains("disabled for this mailbox",
                        "Set-CASMailbox -Identity payroll@example.com -SmtpClientAuthenticationDisabled $false");
        assertThat(SmtpReplies.explainRejectedLogin("payroll@example.com", "smtp.office365.com",
                XOAuth2SmtpHub.SMTP_AUTH_DISABLED_FOR_TENANT)).contains("Set-TransportConfig");
    }
}
