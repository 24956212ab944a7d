package dev.oauthsmtprelay.intake.parse;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.message.InvalidMessageException;

/** Checks shared by every input format, so each rule has one wording. */
final class MessageLimits {

    private MessageLimits() {
    }

    static void requireContent(byte[] content) throws InvalidMessageException {
        requireContent(content == null ? 0 : content.length);
    }

    static void requireContent(long length) throws InvalidMessageException {
        if (length == 0) {
            throw new InvalidMessageException("empty message: it has no content; send the complete message (a "
                    + "spool file must be written completely under a temporary name, then renamed to .eml or .json)");
        }
    }

    static void requireWithinSize(long size, long maxSizeBytes) throws InvalidMessageException {
        if (size > maxSizeBytes) {
            throw new InvalidMessageException("message too large: " + size + " bytes, the limit is " + maxSizeBytes
                    + " bytes; send fewer or smaller attachments, or raise " + RelayKeys.INTAKE_MAX_SIZE
                    + " if the mail provider accepts larger messages");
        }
    }

    static void requireRecipientCount(int count, int maxRecipients) throws InvalidMessageException {
        if (count > maxRecipients) {
            throw new InvalidMessageException("too many recipients: " + count + ", the limit is " + maxRecipients
                    + "; split the message into several, use a distribution list, or raise "
                    + RelayKeys.INTAKE_MAX_RECIPIENTS + " if the mail provider accepts more");
        }
    }
}
