package dev.oauthsmtprelay.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out access tokens: cached per key (mailbox for Google, application for Microsoft),
 * renewed ahead of expiry, one request at a time per key (concurrent callers share it), and after a
 * failure no new request for that key until the back-off has passed.
 */
public final class TokenService {

    private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);

    private final TokenClient client;
    private final Clock clock;
    private final TokenPolicy policy;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<Boolean> requestObserver = succeeded -> { };

    public TokenService(TokenClient client, Clock clock, TokenPolicy policy) {
        this.client = client;
        this.clock = clock;
        this.policy = policy;
    }

    /**
     * A token for the mailbox, from the cache when it is fresh enough.
     *
     * @throws TokenException when none can be had now
     */
    public AccessToken token(String mailbox) {
        String key = client.cacheKey(mailbox);
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        CompletableFuture<AccessToken> request;
        boolean mine = false;
        synchronized (slot) {
            Instant now = clock.instant();
            AccessToken cached = slot.token;
            if (cached != null && cached.usableAt(now, policy.refreshAhead())) {
                return cached;
            }
            boolean cachedStillUsable = cached != null && cached.usableAt(now, policy.minimumValidity());
            if (slot.inFlight != null) {
                if (cachedStillUsable) {
                    return cached;
                }
                request = slot.inFlight;
            } else if (slot.failure != null && now.isBefore(slot.retryAt)) {
                if (cachedStillUsable) {
                    return cached;
                }
                throw backingOff(slot, now);
            } else {
                request = new CompletableFuture<>();
                slot.inFlight = request;
                mine = true;
            }
        }
        if (mine) {
            fetch(mailbox, key, slot, request);
        }
        try {
            return request.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TokenException tokenException) {
                AccessToken fallback = stillUsable(slot);
                if (fallback != null) {
                    return fallback;
                }
                throw tokenException;
            }
            throw e;
        }
    }

    /**
     * Forget a token the SMTP server rejected, so the next call requests a new one. Only drops the
     * cached token when it is the rejected one: another thread may already have replaced it.
     */
    public void invalidate(String mailbox, AccessToken rejected) {
        Slot slot = slots.get(client.cacheKey(mailbox));
        if (slot == null) {
            return;
        }
        synchronized (slot) {
            if (slot.token != null && slot.token.value().equals(rejected.value())) {
                slot.token = null;
            }
        }
    }

    public TokenClient client() {
        return client;
    }

    /** Is told of every request to the token endpoint: true when it gave a token (for metrics). */
    public void observeRequests(java.util.function.Consumer<Boolean> observer) {
        this.requestObserver = observer;
    }

    /** What the cache holds per key, for status displays: expiry and last failure, never the token itself. */
    public java.util.List<CachedToken> cachedTokens() {
        java.util.List<CachedToken> tokens = new java.util.ArrayList<>();
        slots.forEach((key, slot) -> {
            synchronized (slot) {
                tokens.add(new CachedToken(key, slot.token == null ? null : slot.token.expiresAt(),
                        slot.failure == null ? null : slot.failure.getMessage()));
            }
        });
        tokens.sort(java.util.Comparator.comparing(CachedToken::key));
        return tokens;
    }

    /** @param expiresAt null when no token is cached; @param lastFailure null unless the last request failed */
    public record CachedToken(String key, Instant expiresAt, String lastFailure) {
    }

    private void fetch(String mailbox, String key, Slot slot, CompletableFuture<AccessToken> request) {
        try {
            AccessToken token = client.requestToken(mailbox);
            synchronized (slot) {
                slot.token = token;
                slot.failure = null;
                slot.consecutiveFailures = 0;
                slot.inFlight = null;
            }
            LOG.debug("Obtained access token {} for {} (expires {})", token.redacted(), key, token.expiresAt());
            requestObserver.accept(true);
            request.complete(token);
        } catch (TokenException e) {
            synchronized (slot) {
                slot.consecutiveFailures++;
                Duration wait = policy.backoffAfter(slot.consecutiveFailures);
                if (e.retryAfter().isPresent() && e.retryAfter().get().compareTo(wait) > 0) {
                    wait = e.retryAfter().get();
                }
                slot.failure = e;
                slot.retryAt = clock.instant().plus(wait);
                slot.inFlight = null;
            }
            requestObserver.accept(false);
            request.completeExceptionally(e);
        } catch (RuntimeException e) {
            synchronized (slot) {
                slot.inFlight = null;
            }
            requestObserver.accept(false);
            request.completeExceptionally(e);
        }
    }

    private AccessToken stillUsable(Slot slot) {
        synchronized (slot) {
            AccessToken cached = slot.token;
            return cached != null && cached.usableAt(clock.instant(), policy.minimumValidity()) ? cached : null;
        }
    }

    private static TokenException backingOff(Slot slot, Instant now) {
        TokenException last = slot.failure;
        long seconds = Math.max(1, Duration.between(now, slot.retryAt).toSeconds());
        return new TokenException(last.kind(), last.errorCode().orElse(null), last.getMessage()
                + " [" + slot.consecutiveFailures + " failed request(s) in a row; next try in " + seconds + " s]",
                Duration.between(now, slot.retryAt), null);
    }

    private static final class Slot {
        AccessToken token;
        CompletableFuture<AccessToken> inFlight;
        TokenException failure;
        int consecutiveFailures;
        Instant retryAt = Instant.MIN;
    }
}
