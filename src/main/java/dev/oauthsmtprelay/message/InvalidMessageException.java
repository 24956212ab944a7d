package dev.oauthsmtprelay.message;

/**
 * A message the relay will not accept. The text names the cause first and the fix after it, in
 * words an administrator can act on, e.g. "no recipient: the message has no To, Cc or Bcc address;
 * add at least one recipient". Retrying the same input never helps: it belongs in dead letters.
 */
public class InvalidMessageException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidMessageException(String message) {
        super(message);
    }

    public InvalidMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
