package dev.oauthsmtprelay.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * The one internal form every intake produces: the exact RFC 5322 bytes to send (Bcc already
 * removed), the SMTP envelope to send them with, and what later stages need from the header section.
 *
 * <p>{@code mime} is not copied (messages can be tens of megabytes); treat it as read-only.
 */
public record RelayMessage(byte[] mime, Envelope envelope, HeaderFacts headers) {

    public RelayMessage {
        Objects.requireNonNull(mime, "mime");
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(headers, "headers");
    }

    /** For bytes the intake's parser did not read: the header facts are read from them. */
    public RelayMessage(byte[] mime, Envelope envelope) {
        this(mime, envelope, HeaderFacts.read(Objects.requireNonNull(mime, "mime")));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RelayMessage that
                && Arrays.equals(mime, that.mime) && envelope.equals(that.envelope);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mime) + envelope.hashCode();
    }

    @Override
    public String toString() {
        return "RelayMessage[" + mime.length + " bytes, " + envelope + "]";
    }
}
