package dev.oauthsmtprelay.intake.parse;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * What the parsers need from the relay configuration.
 *
 * @param aliasDomain           domain used in generated Message-IDs; {@code null} or blank means "localhost"
 * @param maxSizeBytes          largest message accepted, in bytes (the produced MIME and the JSON input)
 * @param attachmentDirs        directories JSON messages may attach files from; empty disables attachments by path
 * @param clock                 source of the Date header added to messages that have none
 * @param maxRecipients         most envelope recipients (To + Cc + Bcc) one message may have
 */
public record IntakeSettings(String aliasDomain, long maxSizeBytes, List<Path> attachmentDirs, Clock clock,
        int maxRecipients) {

    /** 35 MB, Microsoft 365's default send limit; providers with lower limits (Gmail: 25 MB) still answer for themselves. */
    public static final long DEFAULT_MAX_SIZE_BYTES = 35L * 1024 * 1024;

    /** Exchange Online's default limit of recipients per message. */
    public static final int DEFAULT_MAX_RECIPIENTS = 500;

    /** Configuration keys named in error messages so administrators know what to change. */
    public static final String MAX_SIZE_KEY = "relay.intake.max-size";
    public static final String ATTACHMENT_DIRS_KEY = "relay.intake.attachment-dirs";
    public static final String MAX_RECIPIENTS_KEY = "relay.intake.max-recipients";

    public IntakeSettings {
        if (maxSizeBytes <= 0) {
            throw new IllegalArgumentException(MAX_SIZE_KEY + " must be a positive number of bytes, got " + maxSizeBytes);
        }
        if (maxRecipients <= 0) {
            throw new IllegalArgumentException(MAX_RECIPIENTS_KEY + " must be a positive number, got " + maxRecipients);
        }
        attachmentDirs = attachmentDirs == null ? List.of() : List.copyOf(attachmentDirs);
        clock = clock == null ? Clock.systemDefaultZone() : clock;
    }

    /** The default recipient limit. */
    public IntakeSettings(String aliasDomain, long maxSizeBytes, List<Path> attachmentDirs, Clock clock) {
        this(aliasDomain, maxSizeBytes, attachmentDirs, clock, DEFAULT_MAX_RECIPIENTS);
    }

    /** Default size limit, no attachments by path, system clock. */
    public static IntakeSettings defaults(String aliasDomain) {
        return new IntakeSettings(aliasDomain, DEFAULT_MAX_SIZE_BYTES, List.of(), Clock.systemDefaultZone());
    }
}
