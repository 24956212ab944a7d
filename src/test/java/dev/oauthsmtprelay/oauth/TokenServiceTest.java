package dev.oauthsmtprelay.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.fixtures.MutableClock;

/** Cache, refresh, single flight and back-off of the token service, on a clock the test moves. */
class TokenServiceTest {

    private static final Duration LIFETIME = Duration.ofHours(1);
    private final MutableClock clock = MutableClock.atNow();
    private final TokenPolicy policy = new TokenPolicy(Duration.ofMinutes(5), Duration.ofSeconds(30),
            Duration.ofSeconds(1), Duration.ofSeconds(60));

    /** Counts requests per mailbox and answers from a script; stands in for the HTTP call only. */
    private final class ScriptedClient implements TokenClient {
        final AtomicInteger requests = new AtomicInteger();
        final Queue<Function<String, AccessToken>> script = new ConcurrentLinkedQueue<>();
        final boolean perMailbox;

        ScriptedClient(boolean perMailbox) {
            this.perMailbox = perMailbox;
        }

        @Override
        public AccessToken requestToken(String mailbox) {
            int n = requests.incrementAndGet();
            Function<String, AccessToken> next = script.poll();
            return next != null ? next.apply(mailbox) : issued(mailbox, n);
        }

        @Override
        public String cacheKey(String mailbox) {
            return perMailbox ? mailbox : "application";
        }

        @Override
        public String describe() {
            return "scripted";
        }
    }

    private AccessToken issued(String mailbox, int n) {
        return new AccessToken("token-" + n + "-for-" + mailbox, clock.instant().plus(LIFETIME), null);
    }

    @Test
    void should_serve_cached_token_until_refresh_window() {
        ScriptedClient client = new ScriptedClient(true);
        TokenService service = new TokenService(client, clock, policy);

        AccessToken first = service.token("a@example.com");
        clock.advance(Duration.ofMinutes(54));
        AccessToken second = service.token("a@example.com");

        assertThat(second).isSameAs(first);
        assertThat(client.requests).hasValue(1);
    }

    @Test
    void should_refresh_when_token_expires_within_refresh_ahead() {
        ScriptedClient client = new ScriptedClient(true);
        TokenService service = new TokenService(client, clock, policy);

        AccessToken first = service.token("a@example.com");
        clock.advance(Duration.ofMinutes(56));
        AccessToken second = service.token("a@example.com");

        assertThat(second.value()).isNotEqualTo(first.value());
        assertThat(client.requests).hasValue(2);
    }

    @Test
    void should_keep_one_token_per_mailbox_for_google_and_one_per_application_for_microsoft() {
        ScriptedClient google = new ScriptedClient(true);
        ScriptedClient microsoft = new ScriptedClient(false);
        TokenService perMailbox = new TokenService(google, clock, policy);
        TokenService perApp = new TokenService(microsoft, clock, policy);

        for (String mailbox : List.of("a@example.com", "b@example.com", "a@example.com")) {
            perMailbox.token(mailbox);
            perApp.token(mailbox);
        }

        assertThat(google.requests).hasValue(2);
        assertThat(microsoft.requests).hasValue(1);
    }

    @Test
    void should_make_concurrent_callers_share_one_request() throws Exception {
        CountDownLatch requestStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedClient client = new ScriptedClient(false);
        client.script.add(mailbox -> {
            requestStarted.countDown();
            await(release);
            return issued(mailbox, 1);
        });
        TokenService service = new TokenService(client, clock, policy);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<AccessToken>> results = new ArrayList<>();
            results.add(pool.submit(() -> service.token("a@example.com")));
            assertThat(requestStarted.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 7; i++) {
                results.add(pool.submit(() -> service.token("a@example.com")));
            }
            release.countDown();
            for (Future<AccessToken> result : results) {
                assertThat(result.get(5, TimeUnit.SECONDS).value()).isEqualTo("token-1-for-a@example.com");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(client.requests).hasValue(1);
    }

    @Test
    void should_back_off_after_failure_and_double_the_wait() {
        ScriptedClient client = new ScriptedClient(true);
        for (int i = 0; i < 3; i++) {
            client.script.add(m -> {
                throw TokenException.transientFailure("endpoint down", null, null);
            });
        }
        TokenService service = new TokenService(client, clock, policy);

        assertThatThrownBy(() -> service.token("a@example.com")).hasMessage("endpoint down");
        assertThatThrownBy(() -> service.token("a@example.com"))
                .hasMessageContaining("endpoint down").hasMessageContaining("next try in 1 s");
        assertThat(client.requests).hasValue(1);

        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> service.token("a@example.com")).hasMessage("endpoint down");
        assertThat(client.requests).hasValue(2);

        clock.advance(Duration.ofMillis(1999));
        assertThatThrownBy(() -> service.token("a@example.com")).hasMessageContaining("2 failed request(s)");
        assertThat(client.requests).hasValue(2);

        clock.advance(Duration.ofMillis(1));
        assertThatThrownBy(() -> service.token("a@example.com")).hasMessage("endpoint down");
        assertThat(client.requests).hasValue(3);

        clock.advance(Duration.ofSeconds(4));
        assertThat(service.token("a@example.com").value()).startsWith("token-4");
        assertThat(client.requests).hasValue(4);
    }

    @Test
    void should_keep_the_failure_kind_while_backing_off() {
        ScriptedClient client = new ScriptedClient(false);
        client.script.add(m -> {
            throw TokenException.configuration("invalid_client", "wrong secret");
        });
        TokenService service = new TokenService(client, clock, policy);

        assertThatThrownBy(() -> service.token("a@example.com"));
        assertThatThrownBy(() -> service.token("a@example.com"))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TokenException.Kind.CONFIGURATION);
                    assertThat(e.errorCode()).contains("invalid_client");
                });
    }

    @Test
    void should_honour_retry_after_longer_than_the_backoff() {
        ScriptedClient client = new ScriptedClient(false);
        client.script.add(m -> {
            throw TokenException.transientFailure("429", Duration.ofSeconds(30), null);
        });
        TokenService service = new TokenService(client, clock, policy);

        assertThatThrownBy(() -> service.token("a@example.com"));
        clock.advance(Duration.ofSeconds(29));
        assertThatThrownBy(() -> service.token("a@example.com")).hasMessageContaining("next try in 1 s");
        clock.advance(Duration.ofSeconds(1));
        assertThat(service.token("a@example.com")).isNotNull();
        assertThat(client.requests).hasValue(2);
    }

    @Test
    void should_cap_the_backoff() {
        assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.backoffAfter(40)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void should_keep_using_a_still_valid_token_when_its_early_refresh_fails() {
        ScriptedClient client = new ScriptedClient(true);
        TokenService service = new TokenService(client, clock, policy);
        AccessToken first = service.token("a@example.com");
        for (int i = 0; i < 2; i++) {
            client.script.add(m -> {
                throw TokenException.transientFailure("endpoint down", null, null);
            });
        }

        clock.advance(Duration.ofMinutes(57));
        assertThat(service.token("a@example.com")).isSameAs(first);
        assertThat(service.token("a@example.com")).isSameAs(first);
        assertThat(client.requests).hasValue(2);

        clock.advance(Duration.ofMinutes(3));
        assertThatThrownBy(() -> service.token("a@example.com")).hasMessageContaining("endpoint down");
    }

    @Test
    void should_fetch_a_fresh_token_after_the_server_rejected_the_cached_one() {
        ScriptedClient client = new ScriptedClient(true);
        TokenService service = new TokenService(client, clock, policy);
        AccessToken rejected = service.token("a@example.com");

        service.invalidate("a@example.com", rejected);
        AccessToken fresh = service.token("a@example.com");

        assertThat(fresh.value()).isNotEqualTo(rejected.value());
        service.invalidate("a@example.com", rejected);
        assertThat(service.token("a@example.com")).isSameAs(fresh);
        assertThat(client.requests).hasValue(2);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
