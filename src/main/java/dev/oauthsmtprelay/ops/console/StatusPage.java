package dev.oauthsmtprelay.ops.console;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.deadletter.DeadLetterSummary;
import dev.oauthsmtprelay.deadletter.RetriedDeadLetter;
import dev.oauthsmtprelay.ops.metrics.RelayMetrics;
import dev.oauthsmtprelay.ops.queue.ConsoleToken;
import dev.oauthsmtprelay.ops.queue.FormParameters;
import dev.oauthsmtprelay.ops.queue.QueueActions;
import dev.oauthsmtprelay.ops.queue.QueueSelection;
import dev.oauthsmtprelay.ops.status.StatusReport;

/**
 * {@code GET /console}: is mail flowing, the queue, held mail and dead letters, delivery and tokens, the SMTP
 * listener, plots of the last 24 hours, and the queued mail with buttons. {@code POST /console} runs one button's
 * action when the form carries {@code relay.console.token} and this page's CSRF value, and comes from this origin.
 */
public final class StatusPage implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(StatusPage.class);
    private static final int ROWS = 200;
    private static final String DEAD_LETTER = "dead-letter-";

    private final StatusReport status;
    private final QueueActions queue;
    private final ConsoleToken token;
    private final DeadLetterStore deadLetters;
    private final FlowHistory history;
    private final Path spoolDir;
    private final Clock clock;
    private final String csrf = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

    /** @param spoolDir where a retried dead letter goes back in */
    public StatusPage(StatusReport status, QueueActions queue, ConsoleToken token, DeadLetterStore deadLetters,
                      FlowHistory history, Path spoolDir, Clock clock) {
        this.spoolDir = spoolDir;
        this.status = status;
        this.queue = queue;
        this.token = token;
        this.deadLetters = deadLetters;
        this.history = history;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String notice = null;
        int code = 200;
        if ("POST".equals(in.getHeader(Exchange.HTTP_METHOD, String.class))) {
            Map<String, String> form = form(in);
            String refusal = refusal(in, form);
            if (refusal != null) {
                code = 403;
                notice = "Refused: " + refusal;
            } else {
                notice = act(form.getOrDefault("do", ""));
            }
        }
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setBody(page(RelayMetrics.of(exchange), notice, code != 200));
        out.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        out.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
        out.setHeader("X-Frame-Options", "DENY");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, code);
    }

    private String refusal(Message in, Map<String, String> form) {
        // Browsers send Origin with every cross-site POST; a form of this page carries this page's own.
        String origin = in.getHeader("Origin", String.class);
        if (origin != null && !origin.equalsIgnoreCase(ownOrigin(in))) {
            return "the form was sent from another site (" + Html.escape(origin) + ")";
        }
        if (!csrf.equals(form.get("csrf"))) {
            return "the form is stale or not from this page: reload the page and try again";
        }
        return token.refusal(form.get("token"));
    }

    private static String ownOrigin(Message in) {
        String url = in.getHeader(Exchange.HTTP_URL, String.class);
        String host = in.getHeader("Host", String.class);
        if (url != null && url.contains("://")) {
            URI own = URI.create(url);
            return own.getScheme() + "://" + own.getRawAuthority();
        }
        return host == null ? "" : "http://" + host;
    }

    private String act(String button) throws Exception {
        int space = button.indexOf(' ');
        if (space < 0) {
            return "Nothing to do: no button was pressed";
        }
        String action = button.substring(0, space);
        if (action.startsWith(DEAD_LETTER)) {
            return deadLetter(action.substring(DEAD_LETTER.length()), button.substring(space + 1));
        }
        Map<String, String> selection = new LinkedHashMap<>();
        selection.put("id", button.substring(space + 1));
        Map<String, Object> result = queue.act(action, QueueSelection.from(selection), "the status page");
        Object inDelivery = result.get("inDelivery");
        return action + ": " + result.get("count") + " message(s) (" + result.get("selection") + ")"
                + (inDelivery == null ? "" : "; " + inDelivery + " in a delivery attempt right now, try again after it");
    }

    private String deadLetter(String action, String id) {
        if (!deadLetters.exists(id)) {
            return "No dead letter " + id;
        }
        if (action.equals("retry")) {
            RetriedDeadLetter retried = deadLetters.retry(id, spoolDir);
            LOG.info("dead letter {} retried from the status page: back in the spool as {}", id, retried.spoolFile());
            return "dead letter " + id + " is back in the spool, for " + retried.recipients().size() + " recipient(s)";
        }
        if (action.equals("delete")) {
            deadLetters.delete(id);
            LOG.warn("dead letter {} deleted from the status page", id);
            return "dead letter " + id + " deleted";
        }
        throw new IllegalArgumentException("unknown dead-letter action " + action);
    }

    private String page(RelayMetrics metrics, String notice, boolean refused) throws Exception {
        Map<String, Object> report = status.report(metrics);
        List<Map<String, Object>> entries = queue.list(null, null, null, null);
        long held = entries.stream().filter(e -> "held".equals(e.get("state"))).count();
        List<DeadLetterSummary> letters = deadLetters.list();
        Instant now = clock.instant();
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>oauth-smtp-relay</title><style>body{font:14px system-ui,sans-serif;margin:1.5em;max-width:64em}"
                + "table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}"
                + ".n{font-size:1.6em;font-weight:600}.bad{color:#b00}.ok{color:#070}.notice{padding:.5em;background:#eef}"
                + ".refused{background:#fee}figure{margin:.5em 0}</style></head><body><h1>oauth-smtp-relay</h1>\n");
        if (notice != null) {
            html.append("<p class=\"notice").append(refused ? " refused" : "").append("\" id=\"notice\">")
                    .append(Html.escape(notice)).append("</p>\n");
        }
        html.append(flow(report, now));
        html.append("<table id=\"numbers\"><tr><th>Queued</th><th>Waiting to retry</th><th>Held</th><th>Dead letters</th></tr>"
                + "<tr><td class=\"n\" id=\"queue-depth\">").append(number(report.get("queueDepth")))
                .append("</td><td class=\"n\" id=\"in-retry\">").append(number(report.get("inRetry")))
                .append("</td><td class=\"n\" id=\"held\">").append(held)
                .append("</td><td class=\"n\" id=\"dead-letters\">").append(report.get("deadLetters")).append("</td></tr></table>\n");
        html.append(tokens(report)).append(mailboxes(report)).append(listener(report));
        List<FlowHistory.Minute> minutes = history.minutes();
        html.append("<h2>Last 24 hours</h2>\n")
                .append(Svg.plot("Delivered per minute", minutes, FlowHistory.Minute::delivered, "#070", now))
                .append(Svg.plot("Failed per minute (retried or dead-lettered)", minutes, FlowHistory.Minute::failed, "#b00", now))
                .append(Svg.plot("Queue depth", minutes, FlowHistory.Minute::depth, "#036", now));
        html.append(mail(entries)).append(deadLetterTable(letters)).append("</body></html>\n");
        return html.toString();
    }

    private String flow(Map<String, Object> report, Instant now) {
        if (Boolean.TRUE.equals(report.get("paused"))) {
            return "<p class=\"bad\" id=\"flow\">Delivery is PAUSED: " + Html.escape(report.get("pauseReason")) + "</p>\n";
        }
        StringBuilder paused = new StringBuilder();
        for (Object entry : (List<?>) report.get("pausedAccounts")) {
            Map<?, ?> pause = (Map<?, ?>) entry;
            paused.append("<p class=\"bad paused-account\">Delivery is PAUSED for account ")
                    .append(Html.escape(pause.get("account"))).append(" since ").append(Html.escape(pause.get("since")))
                    .append(": ").append(Html.escape(pause.get("reason"))).append("</p>\n");
        }
        for (Object entry : (List<?>) report.get("pausedMailboxes")) {
            Map<?, ?> pause = (Map<?, ?>) entry;
            paused.append("<p class=\"bad paused-mailbox\">Delivery is PAUSED for ")
                    .append(Html.escape(pause.get("mailbox"))).append(" since ").append(Html.escape(pause.get("since")))
                    .append(": ").append(Html.escape(pause.get("reason"))).append("</p>\n");
        }
        Instant last = history.lastDeliveryMinute();
        Object delivered = ((Map<?, ?>) report.get("counters")).get("delivered");
        String since = "; " + number(delivered) + " delivered since the relay started";
        if (last != null && Duration.between(last, now).toMinutes() < 60) {
            return "<p class=\"ok\" id=\"flow\">Mail is flowing: last delivery in the minute from " + last + since + ".</p>\n"
                    + paused;
        }
        return "<p id=\"flow\">No delivery in the last hour" + since + ".</p>\n" + paused;
    }

    private static String tokens(Map<String, Object> report) {
        StringBuilder html = new StringBuilder("<h2>Tokens</h2><ul>");
        for (Object entry : (List<?>) report.get("tokens")) {
            Map<?, ?> token = (Map<?, ?>) entry;
            html.append("<li>").append(Html.escape(token.get("key"))).append(": ")
                    .append(token.get("expiresAt") == null ? "none cached" : "expires " + Html.escape(token.get("expiresAt")))
                    .append(token.get("lastFailure") == null ? "" : "; last request failed: " + Html.escape(token.get("lastFailure")))
                    .append("</li>");
        }
        if (report.get("credentialsExpireAt") != null) {
            html.append("<li id=\"credentials-expiry\">the app's secret or certificate expires ")
                    .append(Html.escape(report.get("credentialsExpireAt"))).append("</li>");
        }
        return html.append("</ul>\n").toString();
    }

    private static String mailboxes(Map<String, Object> report) {
        StringBuilder html = new StringBuilder("<h2>Sender mailboxes (last 24 hours)</h2><table id=\"mailboxes\"><tr>"
                + "<th>Mailbox</th><th>Messages</th><th>Recipients</th><th>Waiting for the daily limit</th>"
                + "<th>Paced backlog out by</th></tr>");
        for (Object value : (List<?>) report.get("mailboxes")) {
            Map<?, ?> mailbox = (Map<?, ?>) value;
            html.append("<tr><td>").append(Html.escape(mailbox.get("mailbox"))).append("</td><td>")
                    .append(used(mailbox.get("messages24h"), mailbox.get("messageLimit"))).append("</td><td>")
                    .append(used(mailbox.get("recipients24h"), mailbox.get("recipientLimit"))).append("</td><td>")
                    .append(mailbox.get("waitingForLimit"))
                    .append(mailbox.get("limitWaitUntil") == null ? "" : " until " + Html.escape(mailbox.get("limitWaitUntil")))
                    .append("</td><td>").append(mailbox.get("pacedUntil") == null ? "" : Html.escape(mailbox.get("pacedUntil")))
                    .append("</td></tr>");
        }
        return html.append("</table>\n").toString();
    }

    private static String used(Object used, Object limit) {
        return used + (limit instanceof Number n && n.intValue() > 0 ? " of " + n : "");
    }

    private static String listener(Map<String, Object> report) {
        Object value = report.get("listener");
        if (!(value instanceof Map<?, ?> listener)) {
            return "<h2>SMTP listener</h2><p id=\"listener\">off</p>\n";
        }
        return "<h2>SMTP listener</h2><p id=\"listener\">" + Html.escape(listener.get("state")) + " on "
                + Html.escape(listener.get("listen")) + ", " + listener.get("openConnections") + " open connection(s), "
                + listener.get("accepted") + " accepted, refused " + Html.escape(listener.get("refused")) + "</p>\n";
    }

    private String mail(List<Map<String, Object>> entries) {
        StringBuilder html = new StringBuilder("<h2>Queued and held mail</h2><form method=\"post\" action=\"/console\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\"><label>Console token "
                + "<input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"current-password\"></label> "
                + "(relay.console.token; the page is read-only without it)<table id=\"mail\"><tr><th>Id</th><th>State</th>"
                + "<th>Age</th><th>Sender</th><th>Recipients</th><th></th></tr>");
        for (Map<String, Object> entry : entries.subList(0, Math.min(ROWS, entries.size()))) {
            String id = Html.escape(entry.get("id"));
            boolean held = "held".equals(entry.get("state"));
            html.append("<tr><td>").append(id).append("</td><td>").append(Html.escape(entry.get("state")))
                    .append("</td><td>").append(entry.get("ageSeconds")).append(" s</td><td>")
                    .append(Html.escape(entry.get("sender"))).append("</td><td>")
                    .append(Html.escape(String.join(", ", ((List<?>) entry.get("recipients")).stream().map(String::valueOf).toList())))
                    .append("</td><td>")
                    .append(button(held ? "release" : "hold", id)).append(held ? "" : button("retry-now", id))
                    .append(button("delete", id)).append("</td></tr>");
        }
        html.append("</table></form>");
        if (entries.size() > ROWS) {
            html.append("<p>").append(entries.size() - ROWS).append(" more: use 'queue list'.</p>");
        }
        return html.append('\n').toString();
    }

    private static String button(String action, String id) {
        return "<button name=\"do\" value=\"" + action + " " + id + "\">" + action + "</button> ";
    }

    private String deadLetterTable(List<DeadLetterSummary> letters) {
        StringBuilder html = new StringBuilder("<h2>Dead letters</h2><form method=\"post\" action=\"/console\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\"><label>Console token "
                + "<input type=\"password\" name=\"token\" id=\"dead-token\" autocomplete=\"current-password\"></label>"
                + "<table id=\"dead\"><tr><th>Id</th><th>Last attempt</th><th>Sender</th><th>Reason</th><th></th></tr>");
        for (DeadLetterSummary letter : letters.subList(0, Math.min(ROWS, letters.size()))) {
            html.append("<tr><td>").append(Html.escape(letter.id())).append("</td><td>")
                    .append(letter.lastAttempt() == null ? "" : Html.escape(letter.lastAttempt())).append("</td><td>")
                    .append(Html.escape(letter.mailFrom())).append("</td><td>").append(Html.escape(letter.reason()))
                    .append("</td><td>").append(button(DEAD_LETTER + "retry", Html.escape(letter.id())))
                    .append(button(DEAD_LETTER + "delete", Html.escape(letter.id()))).append("</td></tr>");
        }
        return html.append("</table></form>\n").toString();
    }

    private static String number(Object value) {
        return value == null ? "unknown" : String.valueOf(value instanceof Double d ? Math.round(d) : value);
    }

    private static Map<String, String> form(Message in) {
        return FormParameters.read(in, List.of("csrf", "token", "do"), in.getBody(String.class));
    }
}
