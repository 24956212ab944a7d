package dev.oauthsmtprelay.delivery.smtp;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryReport;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.MutableClock;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.oauth.TokenClients;
import dev.oauthsmtprelay.oauth.TokenPolicy;
import dev.oauthsmtprelay.oauth.TokenService;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** Reuse of logged-in hub connections, against a real STARTTLS + XOAUTH2 hub and a real token server. */
class SmtpConnectionPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String MIME = "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: pooled\r\n\r\nhello\r\n";

    private static TokenServer tokenServer;

    @TempDir
    static Path dir;

    private final MutableClock clock = MutableClock.atNow();
    private XOAuth2SmtpHub hub;
    private SmtpConnectionPool pool;

    @BeforeAll
    static void startTokenServer() {
        tokenServer = new TokenServer();
    }

    @AfterAll
    static void stopTokenServer() {
        tokenServer.close();
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.stop();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private XOAuth2SmtpHub.Builder hubBuilder() {
        return XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google"));
    }

    private SmtpClient client(SmtpPoolSettings poolSettings) {
        Path file = TestCredentials.write(dir, "gmail.json",
                TestCredentials.googleFields(tokenServer.tokenEndpoint("google"), "example.com"));
        TokenService tokens = new TokenService(TokenClients.forCredentials(new CredentialsFileReader().read(file,
                "example.com").credentials(), clock, Duration.ofSeconds(5)), clock, TokenPolicy.defaults());
        SmtpSettings settings = new SmtpSettings(hub.hostName(), hub.port(), TlsMode.STARTTLS,
                Optional.of(hub.certificatePemPath()), Duration.ofSeconds(5), Duration.ofSeconds(5), true);
        pool = new SmtpConnectionPool(poolSettings, clock);
        return new SmtpClient(settings, tokens, pool, clock);
    }

    private static DeliveryReport send(SmtpClient client, String mailbox) throws Exception {
        return client.deliver(new OutgoingMessage(client.session(), MIME.getBytes(StandardCharsets.UTF_8), mailbox,
                List.of("bob@example.net"), mailbox));
    }

    @Test
    void should_send_consecutive_messages_of_a_mailbox_on_one_logged_in_connection() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults());

        for (int i = 0; i < 3; i++) {
            send(client, "alice@example.com");
        }

        assertThat(hub.awaitMessages(3, WAIT)).allSatisfy(m -> assertThat(m.connectionId()).isEqualTo(1));
        assertThat(hub.connectionCount()).isEqualTo(1);
        assertThat(hub.authAttemptCount()).isEqualTo(1);
        assertThat(pool.idleCount()).isEqualTo(1);
    }

    @Test
    void should_keep_one_connection_per_sender_mailbox() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults());

        send(client, "alice@example.com");
        send(client, "carol@example.com");
        send(client, "alice@example.com");
        send(client, "carol@example.com");

        List<XOAuth2SmtpHub.ReceivedMessage> received = hub.awaitMessages(4, WAIT);
        assertThat(hub.connectionCount()).isEqualTo(2);
        assertThat(received).allSatisfy(m -> assertThat(m.authenticatedMailbox()).isEqualTo(m.mailFrom()));
    }

    @Test
    void should_not_reuse_a_connection_idle_longer_than_the_idle_timeout() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults().withIdleTimeout(Duration.ofSeconds(30)));

        send(client, "alice@example.com");
        clock.advance(Duration.ofSeconds(31));
        send(client, "alice@example.com");

        assertThat(hub.connectionCount()).isEqualTo(2);
        assertThat(hub.connections().get(0).sentCommand("QUIT")).as("the idle connection was closed politely").isTrue();
    }

    @Test
    void should_close_expired_idle_connections_in_the_background_sweep() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults().withIdleTimeout(Duration.ofSeconds(30)));
        send(client, "alice@example.com");

        clock.advance(Duration.ofSeconds(29));
        pool.closeExpired();
        assertThat(pool.idleCount()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        pool.closeExpired();

        assertThat(pool.idleCount()).isZero();
        assertThat(hub.connections().get(0).sentCommand("QUIT")).isTrue();
    }

    @Test
    void should_open_a_new_connection_after_the_maximum_number_of_messages() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults().withMaxMessagesPerConnection(2));

        for (int i = 0; i < 5; i++) {
            send(client, "alice@example.com");
        }

        assertThat(hub.awaitMessages(5, WAIT)).extracting(XOAuth2SmtpHub.ReceivedMessage::connectionId)
                .containsExactly(1, 1, 2, 2, 3);
        assertThat(hub.connections().get(0).sentCommand("QUIT")).isTrue();
    }

    @Test
    void should_resend_on_a_new_connection_when_the_hub_closed_the_pooled_one_while_idle() throws Exception {
        hub = hubBuilder().idleTimeout(Duration.ofMillis(300)).start();
        SmtpClient client = client(SmtpPoolSettings.defaults());
        send(client, "alice@example.com");
        await(WAIT, () -> hub.connections().get(0).closed(), () -> "the hub closing the idle connection");

        DeliveryReport report = send(client, "alice@example.com");

        assertThat(report.complete()).isTrue();
        assertThat(hub.awaitMessages(2, WAIT)).extracting(XOAuth2SmtpHub.ReceivedMessage::connectionId)
                .containsExactly(1, 2);
    }

    @Test
    void should_resend_on_a_new_connection_when_the_hub_answers_421_on_a_pooled_one() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults());
        send(client, "alice@example.com");
        hub.failNextMail(1, "421 4.7.0 Temporary System Problem. Try again later");

        send(client, "alice@example.com");

        assertThat(hub.awaitMessages(2, WAIT)).extracting(XOAuth2SmtpHub.ReceivedMessage::connectionId)
                .containsExactly(1, 2);
        assertThat(hub.connectionCount()).isEqualTo(2);
    }

    @Test
    void should_report_421_on_a_new_connection_as_transient_without_resending() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults());
        hub.failNextMail(1, "421 4.7.0 Temporary System Problem. Try again later");

        assertThatThrownBy(() -> send(client, "alice@example.com")).isInstanceOfSatisfying(DeliveryFailure.class,
                f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT));

        assertThat(hub.connectionCount()).isEqualTo(1);
        assertThat(hub.messageCount()).isZero();
    }

    @Test
    void should_never_reuse_a_connection_on_which_a_message_failed() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults());
        send(client, "alice@example.com");
        hub.failNextData(1, "451 4.3.0 Mail server temporarily rejected message");

        assertThatThrownBy(() -> send(client, "alice@example.com")).isInstanceOfSatisfying(DeliveryFailure.class,
                f -> assertThat(f.kind()).isEqualTo(DeliveryFailure.Kind.TRANSIENT));
        assertThat(pool.idleCount()).isZero();
        send(client, "alice@example.com");

        assertThat(hub.awaitMessages(2, WAIT)).extracting(XOAuth2SmtpHub.ReceivedMessage::connectionId)
                .containsExactly(1, 2);
        assertThat(hub.connections().get(0).commands()).filteredOn(c -> c.startsWith("DATA")).hasSize(2);
    }

    @Test
    void should_log_in_again_with_a_new_token_when_the_pooled_token_is_about_to_expire() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults().withIdleTimeout(Duration.ofHours(2)));
        send(client, "alice@example.com");
        send(client, "alice@example.com");

        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        send(client, "alice@example.com");

        assertThat(hub.awaitMessages(3, WAIT)).extracting(XOAuth2SmtpHub.ReceivedMessage::connectionId)
                .containsExactly(1, 1, 2);
        assertThat(hub.authAttempts()).hasSize(2);
        assertThat(hub.authAttempts().get(1).token()).isNotEqualTo(hub.authAttempts().get(0).token());
    }

    @Test
    void should_close_idle_connections_when_the_pool_stops() throws Exception {
        hub = hubBuilder().start();
        SmtpClient client = client(SmtpPoolSettings.defaults());
        pool.start();
        send(client, "alice@example.com");

        pool.stop();

        assertThat(pool.idleCount()).isZero();
        assertThat(hub.connections().get(0).sentCommand("QUIT")).isTrue();
        send(client, "alice@example.com");
        assertThat(pool.idleCount()).as("a stopped pool keeps nothing").isZero();
    }
}
