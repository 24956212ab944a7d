package dev.oauthsmtprelay.intake.parse;

import java.util.List;
import java.util.Map;

import jakarta.mail.internet.InternetAddress;

/** A JSON message after validation: every value checked, attachments loaded. */
record JsonMessage(
        InternetAddress from,
        List<InternetAddress> to,
        List<InternetAddress> cc,
        List<InternetAddress> bcc,
        List<InternetAddress> replyTo,
        String subject,
        String text,
        String html,
        List<Attachment> attachments,
        List<Map.Entry<String, String>> headers) {

    boolean hasContent() {
        return text != null || html != null || !attachments.isEmpty();
    }
}
