package dev.oauthsmtprelay.deadletter;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The {@code <id>.json} file: every field of a dead letter but the message, times in ISO-8601. */
final class DeadLetterJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private DeadLetterJson() {
    }

    static byte[] write(DeadLetter letter) {
        Metadata metadata = new Metadata(letter.id(), letter.mailFrom(), letter.recipients(), letter.senderMailbox(),
                letter.reason(), letter.smtpReply(), letter.attempts(), letter.firstAttempt().toString(),
                letter.lastAttempt().toString(), letter.source());
        try {
            return JSON.writeValueAsBytes(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Dead letter metadata cannot be serialised", e);
        }
    }

    /**
     * @param id       the id taken from the file name (it wins over the one inside)
     * @param mimeSize size of the {@code .eml} file
     * @throws IOException for damaged JSON or missing fields
     */
    static DeadLetterSummary read(byte[] json, String id, long mimeSize) throws IOException {
        Metadata metadata;
        try {
            metadata = JSON.readValue(json, Metadata.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IOException("not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        if (metadata == null || metadata.reason() == null || metadata.firstAttempt() == null
                || metadata.lastAttempt() == null) {
            throw new IOException("\"reason\", \"firstAttempt\" or \"lastAttempt\" is missing");
        }
        try {
            return new DeadLetterSummary(id, metadata.mailFrom() == null ? "" : metadata.mailFrom(),
                    metadata.recipients(), metadata.senderMailbox(), metadata.reason(), metadata.smtpReply(),
                    metadata.attempts(), Instant.parse(metadata.firstAttempt()), Instant.parse(metadata.lastAttempt()),
                    metadata.source() == null ? "unknown" : metadata.source(), mimeSize);
        } catch (RuntimeException e) {
            throw new IOException("a time is not ISO-8601 (" + e.getMessage() + ")", e);
        }
    }

    @JsonPropertyOrder({"id", "mailFrom", "recipients", "senderMailbox", "reason", "smtpReply", "attempts",
            "firstAttempt", "lastAttempt", "source"})
    record Metadata(String id, String mailFrom, List<String> recipients, String senderMailbox, String reason,
                    String smtpReply, int attempts, String firstAttempt, String lastAttempt, String source) {
    }
}
