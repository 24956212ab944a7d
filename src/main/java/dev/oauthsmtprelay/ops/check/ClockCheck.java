package dev.oauthsmtprelay.ops.check;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Compares the local clock with the token server's {@code Date} header. Signed JWT grants carry
 * issue and expiry times, so a skewed clock makes the provider refuse them with a misleading error.
 */
final class ClockCheck implements RelayCheck {

    static final Duration WARN_ABOVE = Duration.ofSeconds(60);
    static final Duration FAIL_ABOVE = Duration.ofMinutes(5);
    private static final String SUBJECT = "clock";

    @Override
    public List<CheckResult> run(CheckContext context) {
        Optional<URI> endpoint = context.credentials().get().map(c -> c.credentials().tokenEndpoint());
        if (endpoint.isEmpty()) {
            return List.of();
        }
        Instant serverTime;
        try {
            serverTime = serverTime(endpoint.get(), context.settings().get(RelayKeys.TOKEN_TIMEOUT));
        } catch (IOException | DateTimeParseException e) {
            return List.of(CheckResult.warn(SUBJECT, "could not read the time of " + endpoint.get() + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", "Make sure this machine can reach "
                    + "the token endpoint and that its clock is synchronised (NTP), e.g. timedatectl status."));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        if (serverTime == null) {
            // Google's and Microsoft's endpoints always send Date; only proxies and test servers leave it out.
            return List.of(CheckResult.pass(SUBJECT, "not compared: " + endpoint.get() + " sends no Date header"));
        }
        Instant local = context.clock().instant();
        Duration skew = Duration.between(serverTime, local);
        String detail = "local " + local.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", token server " + serverTime + ": "
                + describe(skew);
        String fix = "Synchronise this machine's clock (NTP: timedatectl set-ntp true, or chronyc makestep); signed "
                + "token requests are refused when the clock is off by more than a few minutes.";
        if (skew.abs().compareTo(FAIL_ABOVE) > 0) {
            return List.of(CheckResult.fail(SUBJECT, detail, fix));
        }
        if (skew.abs().compareTo(WARN_ABOVE) > 0) {
            return List.of(CheckResult.warn(SUBJECT, detail, fix));
        }
        return List.of(CheckResult.pass(SUBJECT, detail));
    }

    private static String describe(Duration skew) {
        long seconds = skew.abs().toSeconds();
        return seconds <= 1 ? "in step" : "local clock " + seconds + " s " + (skew.isNegative() ? "behind" : "ahead");
    }

    /** The token endpoint's Date header; any answer carries it, so a plain GET is enough and sends nothing secret. */
    private static Instant serverTime(URI endpoint, Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(endpoint).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        return response.headers().firstValue("Date")
                .map(date -> ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                .orElse(null);
    }
}
