package dev.oauthsmtprelay.intake.parse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import dev.oauthsmtprelay.message.EnvelopeOverride;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * One entry point for every intake: spool files are dispatched by extension, JMS messages call
 * {@link #parseMime} or {@link #parseJson} directly.
 */
public final class MessageParser {

    private final MimeMessageParser mime;
    private final JsonMessageParser json;
    private final long maxSizeBytes;

    public MessageParser(IntakeSettings settings) {
        this.mime = new MimeMessageParser(settings);
        this.json = new JsonMessageParser(settings);
        this.maxSizeBytes = settings.maxSizeBytes();
    }

    /** Refuses a file over the size limit before it is read, so that a huge file never reaches the heap. */
    public void requireWithinSizeLimit(long fileSize) throws InvalidMessageException {
        MessageLimits.requireWithinSize(fileSize, maxSizeBytes);
    }

    /** Parses a spool file: {@code .eml} as MIME, {@code .json} as the structured format (case ignored). */
    public RelayMessage parse(String fileName, byte[] content) throws InvalidMessageException {
        String lower = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        if (isMime(fileName)) {
            return mime.parse(content);
        }
        if (lower.endsWith(".json")) {
            return json.parse(content);
        }
        throw new InvalidMessageException("unsupported file type: \"" + fileName + "\"; the relay accepts .eml "
                + "(a MIME message) and .json (the structured message format); rename the file accordingly");
    }

    /** Whether a spool file is a MIME message ({@code .eml}, case ignored), which {@link #parseMimeFile} can read. */
    public static boolean isMime(String fileName) {
        return fileName != null && fileName.toLowerCase(Locale.ROOT).endsWith(".eml");
    }

    /**
     * Parses a MIME spool file without reading it into memory: the same checks and the same bytes to send as
     * {@link #parse(String, byte[])}.
     */
    public FileBackedMessage parseMimeFile(Path file) throws InvalidMessageException, IOException {
        return mime.parse(file);
    }

    public RelayMessage parseMime(byte[] content, EnvelopeOverride override) throws InvalidMessageException {
        return mime.parse(content, override);
    }

    public RelayMessage parseJson(byte[] content) throws InvalidMessageException {
        return json.parse(content);
    }
}
