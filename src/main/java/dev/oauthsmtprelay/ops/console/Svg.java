package dev.oauthsmtprelay.ops.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/** A line plot as inline SVG, drawn on the server: no script, no library. */
final class Svg {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 120;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Svg() {
    }

    static String plot(String title, List<FlowHistory.Minute> minutes, ToLongFunction<FlowHistory.Minute> value,
                       String colour, Instant now) {
        long max = Math.max(1, minutes.stream().mapToLong(value).max().orElse(1));
        long from = now.getEpochSecond() - FlowHistory.MINUTES * 60L;
        StringBuilder points = new StringBuilder();
        for (FlowHistory.Minute minute : minutes) {
            long y = value.applyAsLong(minute);
            if (y < 0) {
                continue;
            }
            double x = (minute.start().getEpochSecond() - from) * (double) WIDTH / (FlowHistory.MINUTES * 60L);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, HEIGHT - y * (HEIGHT - 10.0) / max));
        }
        return "<figure><figcaption>" + Html.escape(title) + " (max " + max + ", last 24 h to "
                + HOUR.format(now) + " UTC)</figcaption><svg role=\"img\" aria-label=\"" + Html.escape(title)
                + "\" viewBox=\"0 0 " + WIDTH + " " + HEIGHT + "\" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\">"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#f7f7f7\"/>"
                + "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.5\" points=\"" + points.toString().trim()
                + "\"/></svg></figure>\n";
    }
}
