package dev.oauthsmtprelay.deadletter;

import java.nio.file.Path;
import java.util.List;

/**
 * A dead letter put back into the spool.
 *
 * @param id         the dead letter's id (now deleted from the store)
 * @param spoolFile  the file written into the spool directory
 * @param recipients the recipients it goes to again (those of the failed delivery); empty when the dead letter
 *                   recorded none and the spool intake takes them from the message's headers
 */
public record RetriedDeadLetter(String id, Path spoolFile, List<String> recipients) {

    public RetriedDeadLetter {
        recipients = List.copyOf(recipients);
    }
}
