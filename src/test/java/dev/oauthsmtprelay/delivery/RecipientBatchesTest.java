package dev.oauthsmtprelay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** A message to more recipients than the provider takes per message goes out as several transactions, not a dead letter. */
class RecipientBatchesTest {

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    @Test
    void a_message_to_250_recipients_reaches_a_100_per_message_hub_as_3_transactions() {
        XOAuth2SmtpHub hub = bed.hub();
        RelayHarness relay = bed.relay(dir, Map.of("relay.delivery.recipients-per-transaction", 100,
                "relay.intake.max-recipients", 1000));
        List<String> recipients = IntStream.range(0, 250).mapToObj(i -> "customer" + i + "@example.net").toList();
        relay.drop("newsletter.eml", "From: news@example.com\r\nTo: " + String.join(",\r\n ", recipients)
                + "\r\nSubject: news\r\n\r\nhello\r\n");

        List<XOAuth2SmtpHub.ReceivedMessage> received = hub.awaitMessages(3, Duration.ofSeconds(20));
        assertThat(received).extracting(m -> m.recipients().size()).containsExactlyInAnyOrder(100, 100, 50);
        Set<String> all = new HashSet<>();
        received.forEach(m -> all.addAll(m.recipients()));
        assertThat(all).containsExactlyInAnyOrderElementsOf(recipients);
        assertThat(received.stream().map(XOAuth2SmtpHub.ReceivedMessage::dataAsString).map(d -> d.contains("hello"))
                .collect(Collectors.toSet())).containsExactly(true);
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
    }
}
