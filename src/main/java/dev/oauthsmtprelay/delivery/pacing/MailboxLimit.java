package dev.oauthsmtprelay.delivery.pacing;

import java.util.function.ToIntFunction;

/**
 * One limit (messages a minute, messages a day) for each sender mailbox; 0 = none. The relay's key sets it for every
 * mailbox; unset, the provider of the account that sends as the mailbox decides, so a relay with a Microsoft 365 and
 * a Google Workspace account paces each mailbox to its own provider.
 *
 * @param perMailbox the limit of one mailbox (lower case)
 * @param any        whether some mailbox has a limit at all; false lets the relay skip the bookkeeping
 */
public record MailboxLimit(ToIntFunction<String> perMailbox, boolean any) {

    /** The same limit for every mailbox. */
    public static MailboxLimit everywhere(int limit) {
        return new MailboxLimit(mailbox -> limit, limit > 0);
    }

    public int of(String mailbox) {
        return any ? perMailbox.applyAsInt(mailbox) : 0;
    }
}
