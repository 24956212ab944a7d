package dev.oauthsmtprelay.message;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every delivery status notification the relay writes (RFC 3464) needs: the enhanced status code in a hub's
 * reply (RFC 3463), a reply on one line for {@code Diagnostic-Code}, and dates as RFC 1123 wants them.
 */
public final class DeliveryStatusFields {

    private static final Pattern ENHANCED_STATUS = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private DeliveryStatusFields() {
    }

    /** The first enhanced status code in the reply, e.g. {@code 5.1.1}. */
    public static Optional<String> enhancedCode(String reply) {
        if (reply == null) {
            return Optional.empty();
        }
        Matcher matcher = ENHANCED_STATUS.matcher(reply);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    public static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ");
    }

    public static String date(Instant instant) {
        return RFC_1123.format(instant);
    }
}
