package dev.oauthsmtprelay.reliability;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.IssuedTokens;
import dev.oauthsmtprelay.fixtures.RelayProcess;
import dev.oauthsmtprelay.fixtures.TestCredentials;
import dev.oauthsmtprelay.fixtures.TokenServer;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/**
 * SIGKILL of a relay JVM right after its SMTP listener answered 250 to a batch of messages, most of them still
 * waiting for a slow hub: after a restart every accepted message reaches the hub. 250 means "in the broker's
 * journal", so nothing a client was told is safe may be lost; duplicates are bounded by the deliveries in flight.
 */
class KilledListenerRecoveryTest {

    private static final int SESSIONS = 4;
    private static final int PER_SESSION = 60;
    private static final int MESSAGES = SESSIONS * PER_SESSION;
    private static final int CONCURRENCY = 2;
    private static final int ACK_BATCH = 8;
    private static final Pattern SUBJECT = Pattern.compile("Subject: listener-kill-(\\d+)");

    @TempDir
    java.nio.file.Path dir;

    @Test
    void every_message_answered_250_is_delivered_after_a_kill_minus_9() throws Exception {
        int port = FreePort.find();
        try (TokenServer tokens = new TokenServer();
             XOAuth2SmtpHub hub = XOAuth2SmtpHub.builder()
                     .tokenValidator(IssuedTokens.applicationTokens(tokens, "tenant")).start()) {
            hub.setDataReplyDelay(Duration.ofMillis(40)); // delivery far slower than intake: the queue holds most
            java.nio.file.Path credentials = TestCredentials.microsoftFile(dir, tokens);
            try (RelayProcess relay = RelayProcess.forHub(dir, credentials, hub, Map.of("relay.listener.enabled", true,
                    "relay.listener.port", port, "relay.delivery.concurrency", CONCURRENCY,
                    "relay.delivery.ack-batch", ACK_BATCH))) {
                relay.start();
                await(Duration.ofSeconds(60), () -> listens(port), () -> "the listener to open; " + relay.logTail());

                ExecutorService clients = Executors.newFixedThreadPool(SESSIONS);
                List<Future<Integer>> sessions = new ArrayList<>();
                for (int s = 0; s < SESSIONS; s++) {
                    int first = s * PER_SESSION;
                    sessions.add(clients.submit(() -> send(port, first, PER_SESSION)));
                }
                int accepted = 0;
                for (Future<Integer> session : sessions) {
                    accepted += session.get();
                }
                clients.shutdown();
                // Kill while delivery is at work, so that the kill also cuts deliveries in flight.
                await(Duration.ofSeconds(30), () -> hub.messageCount() >= 3, () -> "delivery to start; " + relay.logTail());
                relay.kill();
                int atKill = hub.messageCount();
                assertThat(accepted).isEqualTo(MESSAGES);
                assertThat(atKill).as("messages the hub had at the kill: the kill must find most of them queued")
                        .isLessThan(MESSAGES / 2);

                relay.start();
                await(Duration.ofSeconds(120), () -> distinct(hub).size() == MESSAGES,
                        () -> distinct(hub).size() + " of " + MESSAGES + " delivered after the restart; " + relay.logTail());
                Thread.sleep(1000); // a late redelivery would show up as a duplicate
                int duplicates = hub.messageCount() - MESSAGES;
                System.out.printf("[reliability] listener kill -9: accepted=%d, delivered before kill=%d, lost=%d, "
                        + "duplicates=%d%n", accepted, atKill, MESSAGES - distinct(hub).size(), duplicates);
                // delivered and waiting for their batch's commit at the kill: up to ACK_BATCH per consumer
                assertThat(duplicates).as("duplicates").isBetween(0, CONCURRENCY * ACK_BATCH);
            }
        }
    }

    /** One SMTP session that sends {@code count} messages; returns how many were answered 250. */
    private static int send(int port, int first, int count) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.timeout", "20000");
        Session session = Session.getInstance(props);
        int accepted = 0;
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect();
            for (int i = first; i < first + count; i++) {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress("billing@example.com"));
                message.setRecipient(Message.RecipientType.TO, new InternetAddress("customer@example.net"));
                message.setSubject("listener-kill-" + i);
                message.setText("message " + i);
                transport.sendMessage(message, message.getAllRecipients()); // returns after the relay's 250
                accepted++;
            }
        }
        return accepted;
    }

    private static boolean listens(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Map<Integer, Integer> distinct(XOAuth2SmtpHub hub) {
        Map<Integer, Integer> copies = new HashMap<>();
        for (XOAuth2SmtpHub.ReceivedMessage message : hub.messages()) {
            Matcher matcher = SUBJECT.matcher(message.dataAsString());
            if (matcher.find()) {
                copies.merge(Integer.parseInt(matcher.group(1)), 1, Integer::sum);
            }
        }
        return copies;
    }
}
