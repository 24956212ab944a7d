package dev.oauthsmtprelay.intake.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import dev.oauthsmtprelay.message.Envelope;
import dev.oauthsmtprelay.message.HeaderFacts;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * A large MIME message that stays in its file: the bytes to send are {@code headerSection} (as written, or with Bcc
 * removed and Message-ID / Date added) followed by the file's bytes from {@code bodyOffset} on, the same bytes a
 * {@link RelayMessage} of the whole file would hold. Only the header section is in memory.
 *
 * @param headerSection the header section to send
 * @param file          the message file
 * @param bodyOffset    where the file's header section ends (the blank line before the body)
 * @param size          bytes {@link #open()} returns
 * @param envelope      the SMTP envelope
 * @param headers       what later stages need from the header section
 */
public record FileBackedMessage(byte[] headerSection, Path file, long bodyOffset, long size, Envelope envelope,
                                HeaderFacts headers) {

    public FileBackedMessage {
        Objects.requireNonNull(headerSection, "headerSection");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(headers, "headers");
    }

    /** The bytes to send; the caller closes the stream. */
    public InputStream open() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(headerSection), afterHeaderSection(file, bodyOffset));
    }

    static InputStream afterHeaderSection(Path file, long bodyOffset) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            in.skipNBytes(bodyOffset);
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "FileBackedMessage[" + file + ", " + size + " bytes, " + envelope + "]";
    }
}
