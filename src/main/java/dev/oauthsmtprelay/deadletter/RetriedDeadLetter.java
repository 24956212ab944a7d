package dev.oauthsmtprelay.deadletter;

import java.nio.file.Path;
import java.util.List;

/**
 * A dead letter put back into the spool.
 *
 * @param id                        the dead letter's id (now deleted from the store)
 * @param spoolFile                 the file written into the spool directory
 * @param addedBcc                  envelope recipients written into a Bcc header because To and Cc do not name them
 * @param headerRecipientsNotInEnvelope addresses in To/Cc that were not envelope recipients of the dead letter
 *                                  (for example recipients that had already received it); the spool intake sends
 *                                  to them again, so callers should warn
 */
public record RetriedDeadLetter(String id, Path spoolFile, List<String> addedBcc,
                                List<String> headerRecipientsNotInEnvelope) {

    public RetriedDeadLetter {
        addedBcc = List.copyOf(addedBcc);
        headerRecipientsNotInEnvelope = List.copyOf(headerRecipientsNotInEnvelope);
    }
}
