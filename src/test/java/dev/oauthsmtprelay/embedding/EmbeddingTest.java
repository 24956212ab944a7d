package dev.oauthsmtprelay.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.app.RelayCamelConfiguration;
import dev.oauthsmtprelay.app.RelayTokenConfiguration;
import dev.oauthsmtprelay.delivery.smtp.PemTrustStore;
import dev.oauthsmtprelay.delivery.smtp.XOAuth2Authenticator;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayConfigFile;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.oauth.TokenService;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** The library without the relay's Main: a plain DefaultCamelContext, properties, and our entry points. */
class EmbeddingTest {

    private static TokenServer tokenServer;

    @TempDir
    Path dir;

    private XOAuth2SmtpHub hub;
    private DefaultCamelContext context;

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
        if (context != null) {
            context.stop();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private Path credentials(String tokenEndpoint) {
        return TestCredentials.write(dir, "gmail.json", TestCredentials.googleFields(tokenEndpoint, "example.com"));
    }

    @Test
    void should_deliver_a_spool_file_from_a_plain_camel_context_configured_only_by_properties() throws Exception {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google")).start();
        Path config = new RelayConfigFile()
                .set("relay.credentials", credentials(tokenServer.tokenEndpoint("google")))
                .set("relay.alias-domain", "example.com")
                .set("relay.smtp.host", hub.hostName())
                .set("relay.smtp.port", hub.port())
                .set("relay.smtp.trust-store", hub.certificatePemPath())
                .set("relay.data.dir", dir.resolve("data"))
                .writeTo(dir.resolve("relay.properties"));
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + config);
        new RelayCamelConfiguration().configure(context);
        context.start();

        Path spool = dir.resolve("data").resolve("spool");
        Files.createDirectories(spool);
        Files.writeString(spool.resolve(".a.tmp"), "From: app@example.com\r\nTo: user@example.net\r\nSubject: embedded\r\n\r\nhi\r\n");
        Files.move(spool.resolve(".a.tmp"), spool.resolve("a.eml"));

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, Duration.ofSeconds(20)).get(0);
        assertThat(received.authenticatedMailbox()).isEqualTo("app@example.com");
        assertThat(received.dataAsString()).contains("Subject: embedded");
    }

    @Test
    void should_run_under_camel_main_named_only_in_configuration_classes() throws Exception {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google")).start();
        Path config = new RelayConfigFile()
                .set("camel.main.configuration-classes", RelayCamelConfiguration.class.getName())
                .set("relay.credentials", credentials(tokenServer.tokenEndpoint("google")))
                .set("relay.alias-domain", "example.com")
                .set("relay.smtp.host", hub.hostName())
                .set("relay.smtp.port", hub.port())
                .set("relay.smtp.trust-store", hub.certificatePemPath())
                .set("relay.data.dir", dir.resolve("data"))
                .writeTo(dir.resolve("application.properties"));
        Main main = new Main();
        main.setPropertyPlaceholderLocations("file:" + config);
        main.start();
        try {
            Path spool = dir.resolve("data").resolve("spool");
            Files.createDirectories(spool);
            Files.writeString(spool.resolve(".b.tmp"), "From: app@example.com\r\nTo: user@example.net\r\n\r\nhi\r\n");
            Files.move(spool.resolve(".b.tmp"), spool.resolve("b.eml"));

            assertThat(hub.awaitMessages(1, Duration.ofSeconds(20))).hasSize(1);
        } finally {
            main.stop();
        }
    }

    private void startSmtpRoute(String credentialsFile, String mailbox) throws Exception {
        Path config = new RelayConfigFile()
                .set("relay.credentials", credentialsFile)
                .set("relay.alias-domain", "example.com")
                .writeTo(dir.resolve("relay.properties"));
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:" + config);
        new RelayTokenConfiguration().configure(context);
        TokenService tokens = context.getRegistry().lookupByNameAndType("relayTokenService", TokenService.class);
        context.getRegistry().bind("gmailAuth", new XOAuth2Authenticator(tokens, mailbox));
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setTrustManager(PemTrustStore.trustManagers(hub.certificatePemPath())[0]);
        SSLContextParameters ssl = new SSLContextParameters();
        ssl.setTrustManagers(trust);
        context.getRegistry().bind("hubTls", ssl);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:alert").routeId("app-alert")
                        .to("smtp://" + hub.hostName() + ":" + hub.port() + "?authenticator=#gmailAuth"
                                + "&mail.smtp.auth.mechanisms=XOAUTH2&mail.smtp.starttls.enable=true"
                                + "&mail.smtp.starttls.required=true&sslContextParameters=#hubTls"
                                + "&from=" + mailbox + "&to=oncall@example.net&subject=Alert");
            }
        });
        context.start();
    }

    @Test
    void should_authenticate_a_hand_written_smtp_route_with_the_authenticator_bean() throws Exception {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google")).start();
        startSmtpRoute(credentials(tokenServer.tokenEndpoint("google")).toString(), "app@example.com");

        context.createProducerTemplate().sendBody("direct:alert", "Disk almost full");

        XOAuth2SmtpHub.ReceivedMessage received = hub.awaitMessages(1, Duration.ofSeconds(10)).get(0);
        assertThat(received.authenticatedMailbox()).isEqualTo("app@example.com");
        assertThat(received.overTls()).isTrue();
        assertThat(new String(received.data(), StandardCharsets.UTF_8)).contains("Disk almost full");
    }

    @Test
    void should_start_the_route_while_the_token_endpoint_is_down_and_explain_the_failure_on_send() throws Exception {
        hub = XOAuth2SmtpHub.builder().tokenValidator(IssuedTokens.mailboxTokens(tokenServer, "google")).start();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        startSmtpRoute(credentials("http://127.0.0.1:" + closedPort + "/token").toString(), "app@example.com");

        assertThat(context.getRouteController().getRouteStatus("app-alert")).isEqualTo(ServiceStatus.Started);
        assertThatThrownBy(() -> context.createProducerTemplate().sendBody("direct:alert", "x"))
                .isInstanceOf(CamelExecutionException.class)
                .rootCause().hasMessageContaining("refused the connection");
        assertThat(hub.messageCount()).isZero();
    }
}
