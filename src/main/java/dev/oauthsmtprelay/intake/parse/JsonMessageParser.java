package dev.oauthsmtprelay.intake.parse;

import java.util.ArrayList;
import java.util.List;

import jakarta.mail.internet.InternetAddress;

import dev.oauthsmtprelay.message.EnvelopeOverride;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * Accepts the structured JSON format (see docs/message-formats.md) and turns it into the same
 * {@link RelayMessage} a MIME file gives. The MIME it writes goes through {@link MimeMessageParser}
 * too, so both formats meet the same size and header limits.
 */
public final class JsonMessageParser {

    private final long maxSizeBytes;
    private final JsonMessageReader reader;
    private final MimeComposer composer;
    private final MimeMessageParser mimeParser;

    public JsonMessageParser(IntakeSettings settings) {
        this.maxSizeBytes = settings.maxSizeBytes();
        this.reader = new JsonMessageReader(new AttachmentFiles(settings.attachmentDirs()), settings.maxSizeBytes());
        this.composer = new MimeComposer(new GeneratedHeaders(settings.aliasDomain(), settings.clock()));
        this.mimeParser = new MimeMessageParser(settings);
    }

    public RelayMessage parse(byte[] content) throws InvalidMessageException {
        MessageLimits.requireContent(content);
        MessageLimits.requireWithinSize(content.length, maxSizeBytes);
        JsonMessage message = reader.read(content);
        byte[] mime = composer.compose(message);
        List<String> recipients = new ArrayList<>();
        for (List<InternetAddress> list : List.of(message.to(), message.cc(), message.bcc())) {
            list.forEach(address -> recipients.add(address.getAddress()));
        }
        // Bcc is not in the written headers, so the envelope is passed explicitly.
        return mimeParser.parse(mime, new EnvelopeOverride(message.from().getAddress(), recipients));
    }
}
