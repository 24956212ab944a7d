package dev.oauthsmtprelay.intake.parse;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.config.RelaySettings;

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

    public IntakeSettings {
        if (maxSizeBytes <= 0) {
            throw new IllegalArgumentException(RelayKeys.INTAKE_MAX_SIZE + " must be a positive number of bytes, got "
                    + maxSizeBytes);
        }
        if (maxRecipients <= 0) {
            throw new IllegalArgumentException(RelayKeys.INTAKE_MAX_RECIPIENTS + " must be a positive number, got "
                    + maxRecipients);
        }
        attachmentDirs = attachmentDirs == null ? List.of() : List.copyOf(attachmentDirs);
        clock = clock == null ? Clock.systemDefaultZone() : clock;
    }

    /** The default recipient limit. */
    public IntakeSettings(String aliasDomain, long maxSizeBytes, List<Path> attachmentDirs, Clock clock) {
        this(aliasDomain, maxSizeBytes, attachmentDirs, clock, RelayKeys.INTAKE_MAX_RECIPIENTS.defaultValue());
    }

    /** The default limits, no attachments by path, system clock. */
    public static IntakeSettings defaults(String aliasDomain) {
        return new IntakeSettings(aliasDomain, RelayKeys.INTAKE_MAX_SIZE.defaultValue(), List.of(),
                Clock.systemDefaultZone());
    }

    /** What {@code relay.alias-domain} and {@code relay.intake.*} say. */
    public static IntakeSettings from(RelaySettings settings, Clock clock) {
        return new IntakeSettings(settings.aliasDomain(), settings.get(RelayKeys.INTAKE_MAX_SIZE),
                settings.optional(RelayKeys.INTAKE_ATTACHMENT_DIRS).orElse(List.of()).stream().map(Path::of).toList(),
                clock, settings.get(RelayKeys.INTAKE_MAX_RECIPIENTS));
    }
}
