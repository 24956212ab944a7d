package dev.oauthsmtprelay.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.Reader;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.credentials.CredentialsCheck;
import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.MicrosoftClientAuth;
import dev.oauthsmtprelay.intake.parse.IntakeSettings;
import dev.oauthsmtprelay.intake.parse.MessageParser;
import dev.oauthsmtprelay.message.RelayMessage;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub.ReceivedMessage;

class DemoSandboxTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Path DEMO_EML = Path.of("config", "demo-message.eml");
    private static final Path DEMO_JSON = Path.of("config", "demo-message.json");

    @TempDir
    Path tmp;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger sandboxLogger = (Logger) LoggerFactory.getLogger(DemoSandbox.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        sandboxLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        sandboxLogger.detachAppender(logs);
    }

    // ------------------------------------------------------------------------------------------ files

    @Test
    void should_write_credentials_trust_store_and_relay_configuration() throws Exception {
        Path workDir = tmp.resolve("demo");
        try (DemoSandbox sandbox = DemoSandbox.start(workDir)) {
            assertThat(sandbox.workDir()).isEqualTo(workDir);
            assertThat(sandbox.configFile()).isEqualTo(workDir.resolve("relay.properties")).isRegularFile();
            assertThat(sandbox.spoolDir()).isEqualTo(workDir.resolve("spool")).isDirectory();
            assertThat(sandbox.receivedDir()).isEqualTo(workDir.resolve("received")).isDirectory();
            assertThat(sandbox.dataDir()).isEqualTo(workDir.resolve("data")).isDirectory();
            assertThat(sandbox.hub().isRunning()).isTrue();
            assertThat(sandbox.tokenServer().isRunning()).isTrue();

            Path credentials = workDir.resolve("credentials.json");
            JsonNode json = JSON.readTree(credentials.toFile());
            assertThat(json.get("type").asText()).isEqualTo("microsoft_app");
            assertThat(json.get("tenant_id").asText()).isEqualTo(sandbox.tokenServer().tenantId());
            assertThat(json.get("client_id").asText()).isEqualTo(sandbox.tokenServer().clientId());
            assertThat(json.get("client_secret").asText()).isEqualTo(sandbox.tokenServer().clientSecret());
            assertThat(json.get("scope").asText()).isEqualTo("https://outlook.office365.com/.default");
            assertThat(json.get("token_endpoint").asText())
                    .isEqualTo(sandbox.tokenServer().tokenEndpoint().toString())
                    .startsWith("http://127.0.0.1:").endsWith("/oauth2/v2.0/token");
            assertThat(json.get("domain").asText()).isEqualTo("demo.example");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
                    .isEqualTo("rw-------");

            Path pem = workDir.resolve("hub-ca.pem");
            assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----\n");
            X509Certificate certificate;
            try (InputStream in = Files.newInputStream(pem)) {
                certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertThat(certificate).isEqualTo(sandbox.hub().certificate());

            Properties config = load(sandbox.configFile());
            Path base = workDir.toAbsolutePath().normalize();
            assertThat(config).containsOnlyKeys("relay.credentials", "relay.alias-domain", "relay.smtp.host",
                    "relay.smtp.port", "relay.smtp.tls", "relay.smtp.trust-store", "relay.data.dir",
                    "relay.spool.dir", "relay.default-sender", "relay.listener.enabled");
            assertThat(config.getProperty("relay.credentials")).isEqualTo(base.resolve("credentials.json").toString());
            assertThat(config.getProperty("relay.alias-domain")).isEqualTo("demo.example");
            assertThat(config.getProperty("relay.smtp.host")).isEqualTo("localhost");
            assertThat(config.getProperty("relay.smtp.port")).isEqualTo(String.valueOf(sandbox.hub().port()));
            assertThat(config.getProperty("relay.smtp.tls")).isEqualTo("starttls");
            assertThat(config.getProperty("relay.smtp.trust-store")).isEqualTo(base.resolve("hub-ca.pem").toString());
            assertThat(config.getProperty("relay.data.dir")).isEqualTo(base.resolve("data").toString());
            assertThat(config.getProperty("relay.spool.dir")).isEqualTo(base.resolve("spool").toString());
            assertThat(config.getProperty("relay.default-sender")).isEqualTo("relay@demo.example");

            assertThat(sandbox.summary()).contains(sandbox.tokenServer().tokenEndpoint().toString())
                    .contains("localhost:" + sandbox.hub().port()).contains(sandbox.spoolDir().toString())
                    .contains(sandbox.receivedDir().toString())
                    .doesNotContain(sandbox.tokenServer().clientSecret());
        }
    }

    @Test
    void should_write_credentials_the_relay_accepts_without_findings() throws Exception {
        try (DemoSandbox sandbox = DemoSandbox.start(tmp.resolve("demo"))) {
            CredentialsCheck check = new CredentialsFileReader().read(sandbox.credentialsFile(), DemoSandbox.DOMAIN);

            assertThat(check.warnings()).isEmpty();
            assertThat(check.credentials()).isInstanceOfSatisfying(MicrosoftApp.class, app -> {
                assertThat(app.tokenEndpoint()).isEqualTo(sandbox.tokenServer().tokenEndpoint());
                assertThat(app.clientAuth()).isEqualTo(new MicrosoftClientAuth.ClientSecret(sandbox.tokenServer().clientSecret(), null));
            });
        }
    }

    // ------------------------------------------------------------------------------------------ delivery

    @Test
    void should_receive_a_message_sent_by_a_plain_angus_client_over_starttls_and_xoauth2() throws Exception {
        Path workDir = tmp.resolve("demo");
        try (DemoSandbox sandbox = DemoSandbox.start(workDir)) {
            String token = tokenFrom(sandbox.credentialsFile());
            MimeMessage message = demoMessage();

            sendWithAngus(sandbox, "QSYSOPR@demo.example", token, message);

            ReceivedMessage received = sandbox.hub().awaitMessages(1, WAIT).get(0);
            assertThat(received.overTls()).isTrue();
            assertThat(received.authenticatedMailbox()).isEqualTo("QSYSOPR@demo.example");
            assertThat(received.recipients()).containsExactly("someone@demo.example");
            assertThat(sandbox.hub().connections().get(0).startTlsCompleted()).isTrue();
            assertThat(sandbox.hub().connections().get(0).sentCommandInClear("AUTH")).isFalse();

            String messageId = message.getMessageID(); // set by saveChanges() when sending
            String expectedName = "1-" + messageId.substring(1, messageId.length() - 1) + ".eml";
            Path file = sandbox.receivedDir().resolve(expectedName);
            assertThat(receivedFiles(sandbox)).containsExactly(file);
            assertThat(Files.readAllBytes(file)).isEqualTo(received.data());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
            MimeMessage stored = new MimeMessage(Session.getInstance(new Properties()), Files.newInputStream(file));
            assertThat(stored.getSubject()).isEqualTo("Hello from the oauth-smtp-relay demo sandbox");

            assertThat(logs.list).filteredOn(e -> e.getFormattedMessage().startsWith("Hub received message"))
                    .singleElement().satisfies(e -> {
                        assertThat(e.getLevel().toString()).isEqualTo("INFO");
                        assertThat(e.getFormattedMessage()).isEqualTo("Hub received message from QSYSOPR@demo.example"
                                + " for [someone@demo.example] → " + file);
                    });
            assertThat(logs.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(token));
        }
    }

    @Test
    void should_refuse_a_forged_token_and_a_mailbox_outside_the_demo_domain() throws Exception {
        try (DemoSandbox sandbox = DemoSandbox.start(tmp.resolve("demo"))) {
            String token = tokenFrom(sandbox.credentialsFile());

            assertThatThrownBy(() -> sendWithAngus(sandbox, "QSYSOPR@demo.example", "eyJhbGciOiJub25lIn0.e30.",
                    demoMessage()))
                    .isInstanceOf(AuthenticationFailedException.class)
                    .hasMessageContaining("535 5.7.3 Authentication unsuccessful");
            assertThatThrownBy(() -> sendWithAngus(sandbox, "someone@example.com", token, demoMessage()))
                    .isInstanceOf(AuthenticationFailedException.class);

            assertThat(sandbox.hub().messages()).isEmpty();
            assertThat(receivedFiles(sandbox)).isEmpty();
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).startsWith("Hub refused the XOAUTH2 token for QSYSOPR@demo.example"))
                    .anySatisfy(m -> assertThat(m).contains("someone@example.com").contains("only mailboxes"));
        }
    }

    @Test
    void should_restart_on_the_same_directory_with_new_files_and_keep_received_messages() throws Exception {
        Path workDir = tmp.resolve("demo");
        String firstSecret;
        int firstPort;
        try (DemoSandbox first = DemoSandbox.start(workDir)) {
            firstSecret = first.tokenServer().clientSecret();
            firstPort = first.hub().port();
            sendWithAngus(first, "QSYSOPR@demo.example", tokenFrom(first.credentialsFile()), demoMessage());
            first.hub().awaitMessages(1, WAIT);
        }
        Files.writeString(workDir.resolve("spool").resolve("waiting.eml"), "From: a@demo.example\n");

        try (DemoSandbox second = DemoSandbox.start(workDir)) {
            assertThat(second.tokenServer().clientSecret()).isNotEqualTo(firstSecret);
            assertThat(JSON.readTree(second.credentialsFile().toFile()).get("client_secret").asText())
                    .isEqualTo(second.tokenServer().clientSecret());
            assertThat(load(second.configFile()).getProperty("relay.smtp.port"))
                    .isEqualTo(String.valueOf(second.hub().port()));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(second.credentialsFile())))
                    .isEqualTo("rw-------");
            assertThat(second.spoolDir().resolve("waiting.eml")).exists();
            assertThat(receivedFiles(second)).hasSize(1);

            sendWithAngus(second, "QSYSOPR@demo.example", tokenFrom(second.credentialsFile()), demoMessage());
            second.hub().awaitMessages(1, WAIT);

            assertThat(receivedFiles(second)).extracting(p -> p.getFileName().toString())
                    .satisfiesExactly(n -> assertThat(n).startsWith("1-"), n -> assertThat(n).startsWith("2-"));
        }
        assertThat(firstPort).isPositive();
        try (Stream<Path> files = Files.list(workDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void should_stop_both_servers_on_close() throws Exception {
        DemoSandbox sandbox = DemoSandbox.start(tmp.resolve("demo"));
        sandbox.close();
        sandbox.close();

        assertThat(sandbox.hub().isRunning()).isFalse();
        assertThat(sandbox.tokenServer().isRunning()).isFalse();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(sandbox.tokenServer().tokenEndpoint())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void should_name_received_files_after_a_sanitised_message_id() {
        assertThat(DemoSandbox.sanitise("a1b2.c3@demo.example")).isEqualTo("a1b2.c3@demo.example");
        assertThat(DemoSandbox.sanitise("../../etc/passwd")).isEqualTo("_.._etc_passwd");
        assertThat(DemoSandbox.sanitise("x y/z\\w:1")).isEqualTo("x_y_z_w_1");
        assertThat(DemoSandbox.sanitise(null)).isEqualTo("no-message-id");
        assertThat(DemoSandbox.sanitise("x".repeat(300))).hasSize(100);
        assertThat(DemoSandbox.messageId("Subject: x\r\nMessage-ID:\r\n <id-1@demo.example>\r\n\r\nbody\r\n"
                .getBytes(StandardCharsets.US_ASCII))).isEqualTo("id-1@demo.example");
        assertThat(DemoSandbox.messageId("Subject: x\r\n\r\nMessage-ID: <in-body@x>\r\n"
                .getBytes(StandardCharsets.US_ASCII))).isNull();
    }

    // ------------------------------------------------------------------------------------------ sample messages

    @Test
    void should_ship_sample_messages_the_relay_accepts() throws Exception {
        MessageParser parser = new MessageParser(IntakeSettings.defaults(DemoSandbox.DOMAIN));

        String eml = Files.readString(DEMO_EML, StandardCharsets.US_ASCII);
        assertThat(eml).startsWith("From: QSYSOPR@demo.example\n").contains("\nTo: someone@demo.example\n")
                .doesNotContain("\nDate:");
        RelayMessage fromEml = parser.parse("demo-message.eml", Files.readAllBytes(DEMO_EML));
        assertThat(fromEml.envelope().mailFrom()).isEqualTo("QSYSOPR@demo.example");
        assertThat(fromEml.envelope().recipients()).containsExactly("someone@demo.example");

        JsonNode json = JSON.readTree(DEMO_JSON.toFile());
        assertThat(json.fieldNames()).toIterable().containsExactly("from", "to", "subject", "text");
        RelayMessage fromJson = parser.parse("demo-message.json", Files.readAllBytes(DEMO_JSON));
        assertThat(fromJson.envelope().mailFrom()).isEqualTo("QSYSOPR@demo.example");
        assertThat(fromJson.envelope().recipients()).containsExactly("someone@demo.example");
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** A token from the sandbox token server, requested with the credentials file as a relay would. */
    private static String tokenFrom(Path credentialsFile) throws Exception {
        JsonNode c = JSON.readTree(credentialsFile.toFile());
        String form = "grant_type=client_credentials&client_id=" + enc(c.get("client_id").asText())
                + "&client_secret=" + enc(c.get("client_secret").asText()) + "&scope=" + enc(c.get("scope").asText());
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(java.net.URI.create(c.get("token_endpoint").asText()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    /** Angus Mail as any client would use it: STARTTLS required, XOAUTH2, trusting only hub-ca.pem, host checked. */
    private static void sendWithAngus(DemoSandbox sandbox, String mailbox, String token, MimeMessage message)
            throws Exception {
        Properties config = load(sandbox.configFile());
        Properties props = new Properties();
        props.put("mail.smtp.host", config.getProperty("relay.smtp.host"));
        props.put("mail.smtp.port", config.getProperty("relay.smtp.port"));
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.auth.mechanisms", "XOAUTH2");
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        props.put("mail.smtp.ssl.socketFactory", socketFactoryFromPem(Path.of(config.getProperty(
                "relay.smtp.trust-store"))));
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "5000");
        Session session = Session.getInstance(props);
        MimeMessage copy = new MimeMessage(session, new java.io.ByteArrayInputStream(toBytes(message)));
        copy.saveChanges();
        message.setHeader("Message-ID", copy.getMessageID());
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(mailbox, token);
            transport.sendMessage(copy, copy.getAllRecipients());
        }
    }

    private static SSLSocketFactory socketFactoryFromPem(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static MimeMessage demoMessage() throws Exception {
        try (InputStream in = Files.newInputStream(DEMO_EML)) {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
            assertThat(message.getRecipients(Message.RecipientType.TO))
                    .containsExactly(new InternetAddress("someone@demo.example"));
            return message;
        }
    }

    private static byte[] toBytes(MimeMessage message) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private static List<Path> receivedFiles(DemoSandbox sandbox) throws Exception {
        try (Stream<Path> files = Files.list(sandbox.receivedDir())) {
            return files.sorted().toList();
        }
    }

    private static Properties load(Path file) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
