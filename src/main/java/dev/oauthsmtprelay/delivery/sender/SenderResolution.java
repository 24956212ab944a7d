package dev.oauthsmtprelay.delivery.sender;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of resolving a From address: the mailbox to authenticate as (lower-case) and the
 * rule that chose it, or {@link SenderRule#NONE} with the reason to record in the dead letter.
 */
public final class SenderResolution {

    private final String fromAddress;
    private final SenderRule rule;
    private final String mailbox;
    private final String explanation;

    SenderResolution(String fromAddress, SenderRule rule, String mailbox, String explanation) {
        this.fromAddress = fromAddress;
        this.rule = Objects.requireNonNull(rule, "rule");
        this.mailbox = mailbox;
        this.explanation = Objects.requireNonNull(explanation, "explanation");
        if ((rule == SenderRule.NONE) != (mailbox == null)) {
            throw new IllegalArgumentException("a mailbox is required exactly when a rule applied");
        }
    }

    /** The From address as given (may be null or blank when the message had none). */
    public String fromAddress() {
        return fromAddress;
    }

    public SenderRule rule() {
        return rule;
    }

    public Optional<String> mailbox() {
        return Optional.ofNullable(mailbox);
    }

    public boolean isResolved() {
        return mailbox != null;
    }

    /**
     * For logs: which rule chose the mailbox ("QSYSOPR@ibmi.local sends as operator@example.com:
     * user profile QSYSOPR in relay.users"); when unresolved, the dead-letter reason naming cause and fix.
     */
    public String explanation() {
        return explanation;
    }

    @Override
    public String toString() {
        return explanation;
    }
}
