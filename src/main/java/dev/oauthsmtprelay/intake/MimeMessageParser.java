package dev.oauthsmtprelay.intake;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Accepts a message as RFC 5322 bytes (an .eml file as IBM i's QtmmSendMail or any MIME writer
 * produces it) and turns it into a {@link RelayMessage}. The bytes are sent as written: only Bcc
 * is removed and a missing Message-ID or Date added, and when none of that is needed the output
 * is the input array itself. An {@code X-Relay-Envelope-To} header replaces the header recipients and is removed
 * too.
 */
public final class MimeMessageParser {

    private static final List<String> REMOVED_HEADERS = List.of("Bcc", "Resent-Bcc", EnvelopeOverride.HEADER);

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
        String mailFrom = envelopes.mailFrom(headers, envelopeOverride);
        List<String> recipients = envelopes.recipients(headers, envelopeOverride);
        MessageLimits.requireRecipientCount(recipients.size(), maxRecipients);
        MultipartNesting.requireWithinLimit(content, headers);

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

        byte[] mime = content;
        if (hasRemovedHeaders || !added.isEmpty()) {
            mime = headers.rewrite(field -> keep(field, existingMessageId.isEmpty(), dateMissing), added);
            MessageLimits.requireWithinSize(mime.length, maxSizeBytes);
        }
        return new RelayMessage(mime, new Envelope(mailFrom, recipients, messageId));
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
