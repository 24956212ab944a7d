package dev.oauthsmtprelay.intake.parse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.mail.internet.InternetAddress;

import dev.oauthsmtprelay.message.Envelope;
import dev.oauthsmtprelay.message.EnvelopeOverride;
import dev.oauthsmtprelay.message.HeaderFacts;
import dev.oauthsmtprelay.message.InvalidMessageException;
import dev.oauthsmtprelay.message.RelayMessage;

/**
 * Accepts a message as RFC 5322 bytes (an .eml file as IBM i's QtmmSendMail or any MIME writer
 * produces it) and turns it into a {@link RelayMessage}. The bytes are sent as written: only Bcc (and Content-Length)
 * is removed and a missing Message-ID or Date added, and when none of that is needed the output
 * is the input array itself. An {@code X-Relay-Envelope-To} header replaces the header recipients and is removed
 * too. A large file is parsed with {@link #parse(Path)} into a {@link FileBackedMessage} with the same bytes.
 */
public final class MimeMessageParser {

    // Content-Length means nothing in SMTP, and Angus Mail never sent it: delivery writes the queued bytes as they are.
    private static final List<String> REMOVED_HEADERS = List.of("Bcc", "Resent-Bcc", "Content-Length",
            EnvelopeOverride.HEADER);

    private final long maxSizeBytes;
    private final int maxRecipients;
    private final GeneratedHeaders generated;
    private final EnvelopeResolver envelopes = new EnvelopeResolver();

    public MimeMessageParser(String aliasDomain, long maxSizeBytes, Clock clock) {
        this(new IntakeSettings(aliasDomain, maxSizeBytes, List.of(), clock));
    }

    public MimeMessageParser(IntakeSettings settings) {
        this.maxSizeBytes = settings.maxSizeBytes();
        this.maxRecipients = settings.maxRecipients();
        this.generated = new GeneratedHeaders(settings.aliasDomain(), settings.clock());
    }

    public RelayMessage parse(byte[] content) throws InvalidMessageException {
        return parse(content, EnvelopeOverride.none());
    }

    public RelayMessage parse(byte[] content, EnvelopeOverride override) throws InvalidMessageException {
        MessageLimits.requireContent(content);
        MessageLimits.requireWithinSize(content.length, maxSizeBytes);
        RawHeaderSection headers = RawHeaderSection.read(content);
        EnvelopeOverride envelopeOverride = override == null ? EnvelopeOverride.none() : override;
        Recipients envelope = resolveEnvelope(headers, envelopeOverride);
        MultipartNesting.requireWithinLimit(content, headers);
        HeaderChanges changes = changes(headers);

        byte[] mime = content;
        if (changes.any()) {
            mime = headers.rewrite(changes::keep, changes.added());
            MessageLimits.requireWithinSize(mime.length, maxSizeBytes);
        }
        return new RelayMessage(mime, envelope.with(changes.messageId()), envelope.facts(headers));
    }

    /**
     * The same checks and changes as {@link #parse(byte[])}, for a message too large to hold in memory: only the
     * header section is read into memory, the multipart check reads the rest of the file as a stream, and the result
     * sends the file's bytes after the header section as they are.
     */
    public FileBackedMessage parse(Path file) throws InvalidMessageException, IOException {
        long size = Files.size(file);
        MessageLimits.requireContent(size);
        MessageLimits.requireWithinSize(size, maxSizeBytes);
        RawHeaderSection headers;
        try (InputStream in = Files.newInputStream(file)) {
            headers = RawHeaderSection.readFrom(in);
        }
        Recipients envelope = resolveEnvelope(headers, EnvelopeOverride.none());
        try (InputStream afterHeaders = FileBackedMessage.afterHeaderSection(file, headers.end())) {
            MultipartNesting.requireWithinLimit(afterHeaders, headers);
        }
        HeaderChanges changes = changes(headers);

        byte[] header = changes.any() ? headers.rewriteHeader(changes::keep, changes.added()) : headers.header();
        long sentSize = header.length + size - headers.end();
        if (changes.any()) {
            MessageLimits.requireWithinSize(sentSize, maxSizeBytes);
        }
        return new FileBackedMessage(header, file, headers.end(), sentSize, envelope.with(changes.messageId()),
                envelope.facts(headers));
    }

    private Recipients resolveEnvelope(RawHeaderSection headers, EnvelopeOverride override)
            throws InvalidMessageException {
        List<InternetAddress> from = envelopes.from(headers);
        String mailFrom = envelopes.mailFrom(headers, from, override);
        List<String> recipients = envelopes.recipients(headers, override);
        MessageLimits.requireRecipientCount(recipients.size(), maxRecipients);
        return new Recipients(mailFrom, recipients, from.stream().map(InternetAddress::getAddress).toList());
    }

    private HeaderChanges changes(RawHeaderSection headers) {
        List<String> added = new ArrayList<>();
        Optional<String> existingMessageId = headers.value("Message-ID");
        String messageId = existingMessageId.orElseGet(generated::messageId);
        if (existingMessageId.isEmpty()) {
            added.add("Message-ID: " + messageId);
        }
        boolean dateMissing = headers.value("Date").isEmpty();
        if (dateMissing) {
            added.add("Date: " + generated.date());
        }
        boolean hasRemovedHeaders = REMOVED_HEADERS.stream().anyMatch(name -> !headers.fields(name).isEmpty());
        return new HeaderChanges(messageId, existingMessageId.isEmpty(), dateMissing, hasRemovedHeaders, added);
    }

    /** @param from the From header's addresses, read once here for the later stages */
    private record Recipients(String mailFrom, List<String> recipients, List<String> from) {
        Envelope with(String messageId) {
            return new Envelope(mailFrom, recipients, messageId);
        }

        /** The header section's facts; the fields read are ones the parser never changes. */
        HeaderFacts facts(RawHeaderSection headers) {
            return new HeaderFacts(from, headers.fields("Subject").stream().map(HeaderField::value).findFirst(),
                    HeaderFacts.automatic(headers.value("Auto-Submitted"), headers.value("Content-Type")));
        }
    }

    /** What the header section needs: fields removed ({@link #keep}) and lines added. */
    private record HeaderChanges(String messageId, boolean replacingMessageId, boolean replacingDate,
                                 boolean removing, List<String> added) {
        boolean any() {
            return removing || !added.isEmpty();
        }

        boolean keep(HeaderField field) {
            return MimeMessageParser.keep(field, replacingMessageId, replacingDate);
        }
    }

    /** Drops Bcc, X-Relay-Envelope-To, and blank Message-ID / Date fields that are being replaced by generated ones. */
    private static boolean keep(HeaderField field, boolean replacingMessageId, boolean replacingDate) {
        if (REMOVED_HEADERS.stream().anyMatch(field::isNamed)) {
            return false;
        }
        if (replacingMessageId && field.isNamed("Message-ID")) {
            return false;
        }
        return !(replacingDate && field.isNamed("Date"));
    }
}
