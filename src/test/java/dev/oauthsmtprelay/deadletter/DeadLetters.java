package dev.oauthsmtprelay.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Dead letters for tests. */
final class DeadLetters {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    static final String MIME = "From: QSYSOPR@ibmi.local\r\n"
            + "To: Bob <bob@example.org>\r\n"
            + "Cc: carol@example.org\r\n"
            + "Subject: Job QPADEV0001 ended abnormally\r\n"
            + "Message-ID: <4711@ibmi.local>\r\n"
            + "\r\n"
            + "The job ended with CPF9999.\r\n";

    private DeadLetters() {
    }

    static DeadLetter letter(String id, Instant lastAttempt) {
        return letter(id, MIME, List.of("bob@example.org", "carol@example.org"), lastAttempt);
    }

    static DeadLetter letter(String id, String mime, List<String> recipients, Instant lastAttempt) {
        return new DeadLetter(id, mime.getBytes(StandardCharsets.UTF_8), "QSYSOPR@ibmi.local", recipients,
                "operator@example.com", "the hub refused the recipient: 550 5.1.1 user unknown. Check the address.",
                "550 5.1.1 user unknown", 3, lastAttempt.minusSeconds(600), lastAttempt, "spool:" + id + ".eml");
    }
}
