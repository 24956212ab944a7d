package dev.oauthsmtprelay.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendingLimitRepliesTest {

    private static final String MAILBOX = "statements@example.com";

    @Test
    void should_recognise_exchange_onlines_concurrent_connection_limit() {
        assertThat(SendingLimitReplies.explain("432 4.3.2 Concurrent connections limit exceeded. Visit "
                + "https://aka.ms/concurrent_sending for more information.", MAILBOX)).hasValueSatisfying(text ->
                assertThat(text).contains("more than 3 connections", MAILBOX, "relay.smtp.pool.max-per-mailbox"));
    }

    @Test
    void should_recognise_exchange_onlines_daily_submission_quota() {
        assertThat(SendingLimitReplies.explain("554 5.2.0 STOREDRV.Submission.Exception:"
                + "SubmissionQuotaExceededException; Failed to process message", MAILBOX)).hasValueSatisfying(text ->
                assertThat(text).contains("daily sending limit", "10,000 recipients", "relay.users"));
    }

    @Test
    void should_recognise_gmails_daily_sending_limit_in_its_wordings() {
        assertThat(SendingLimitReplies.explain("550 5.4.5 Daily user sending limit exceeded. - gsmtp", MAILBOX))
                .hasValueSatisfying(text -> assertThat(text).startsWith("Gmail says " + MAILBOX));
        assertThat(SendingLimitReplies.explain("550-5.4.5 Daily user sending quota exceeded.", MAILBOX)).isPresent();
        assertThat(SendingLimitReplies.explain("550 5.4.5 https://support.google.com/mail/?p=DailyLimitExceeded",
                MAILBOX)).isPresent();
    }

    @Test
    void should_leave_other_replies_alone() {
        assertThat(SendingLimitReplies.explain("554 5.2.2 mailbox full; STOREDRV.Submission.Exception:"
                + "QuotaExceededException.MapiExceptionShutoffQuotaExceeded", MAILBOX)).isEmpty();
        assertThat(SendingLimitReplies.explain("550 5.7.60 SMTP; Client does not have permissions to send as this "
                + "sender", MAILBOX)).isEmpty();
        assertThat(SendingLimitReplies.explain("451 4.3.0 Mail server temporarily rejected message", MAILBOX)).isEmpty();
        assertThat(SendingLimitReplies.explain(null, MAILBOX)).isEmpty();
    }
}
