package dev.oauthsmtprelay.oauth;

/** Requests one access token from a provider's token endpoint. No caching here. */
public interface TokenClient {

    /**
     * @param mailbox the sender mailbox the token is for (Google impersonates it; Microsoft ignores it)
     * @throws TokenException with an actionable message when no token can be had
     */
    AccessToken requestToken(String mailbox);

    /** The cache key for a mailbox: the mailbox itself for Google, one key per application for Microsoft. */
    String cacheKey(String mailbox);

    /** Human-readable description of where tokens come from, for logs and the {@code token} command. */
    String describe();
}
