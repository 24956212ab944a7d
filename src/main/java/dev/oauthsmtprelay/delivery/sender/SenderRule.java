package dev.oauthsmtprelay.delivery.sender;

/** Which rule chose the sender mailbox, in the order {@link SenderResolver} tries them. */
public enum SenderRule {
    /** relay.users maps the whole From address. */
    MAPPED_ADDRESS,
    /** relay.users maps the local part of the From address (an IBM i user profile). */
    MAPPED_USER_PROFILE,
    /** The From address is itself a mailbox of the alias domain. */
    ALIAS_DOMAIN,
    /** relay.default-sender. */
    DEFAULT_SENDER,
    /** No rule applied: the message cannot be sent and goes to the dead letters. */
    NONE
}
