package dev.oauthsmtprelay.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * The one internal form every intake produces: the exact RFC 5322 bytes to send (Bcc already
 * removed) and the SMTP envelope to send them with.
 *
 * <p>{@code mime} is not copied (messages can be tens of megabytes); treat it as read-only.
 */
public record RelayMessage(byte[] mime, Envelope envelope) {

    public RelayMessage {
        Objects.requireNonNull(mime, "mime");
        Objects.requireNonNull(envelope, "envelope");
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
