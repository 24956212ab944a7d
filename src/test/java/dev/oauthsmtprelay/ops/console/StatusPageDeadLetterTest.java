package dev.oauthsmtprelay.ops.console;

import static dev.oauthsmtprelay.fixtures.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.oauthsmtprelay.fixtures.FreePort;
import dev.oauthsmtprelay.fixtures.RelayHarness;
import dev.oauthsmtprelay.fixtures.RelayTestBed;
import dev.oauthsmtprelay.sandbox.XOAuth2SmtpHub;

/** The status page's dead-letter buttons, posted the way the page's form posts them. */
class StatusPageDeadLetterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "another-console-t0ken";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]+)\"");

    @RegisterExtension
    final RelayTestBed bed = new RelayTestBed();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port = FreePort.find();

    @Test
    void a_dead_letter_is_sent_again_from_the_page_and_another_is_deleted() throws Exception {
        XOAuth2SmtpHub hub = bed.hub();
        hub.failNextData(2, "554 5.6.0 Message rejected: content not allowed");
        RelayHarness relay = bed.relay(dir, Map.of("relay.health.port", port, "relay.console.token", TOKEN));
        relay.drop("one.eml", "From: billing@example.com\r\nTo: a@example.net\r\nSubject: one\r\n\r\nx\r\n");
        relay.drop("two.eml", "From: billing@example.com\r\nTo: b@example.net\r\nSubject: two\r\n\r\nx\r\n");
        await(WAIT, () -> relay.filesIn(relay.deadLetterDir(), ".json") == 2, () -> "two dead letters");
        String page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = CSRF.matcher(page);
        assertThat(csrf.find()).as(page).isTrue();
        Matcher ids = Pattern.compile("value=\"dead-letter-retry ([^\"]+)\"").matcher(page);
        assertThat(ids.find()).isTrue();
        String retried = ids.group(1);
        assertThat(ids.find()).isTrue();
        String deleted = ids.group(1);

        HttpResponse<String> retry = post(csrf.group(1), "dead-letter-retry " + retried);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).contains("dead letter " + retried + " is back in the spool, for 1 recipient(s)");
        hub.awaitMessages(1, WAIT);

        HttpResponse<String> delete = post(csrf.group(1), "dead-letter-delete " + deleted);
        assertThat(delete.body()).contains("dead letter " + deleted + " deleted");
        assertThat(relay.filesIn(relay.deadLetterDir(), ".json")).isZero();
        assertThat(post("not-the-page-s-value", "dead-letter-delete x").statusCode()).isEqualTo(403);
    }

    private HttpResponse<String> post(String csrf, String button) throws Exception {
        String form = "csrf=" + csrf + "&token=" + TOKEN + "&do=" + URLEncoder.encode(button, StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/console"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
