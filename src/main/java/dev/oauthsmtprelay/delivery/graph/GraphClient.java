package dev.oauthsmtprelay.delivery.graph;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.delivery.graph.DraftRecords.Draft;
import dev.oauthsmtprelay.delivery.graph.DraftRecords.Step;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryReport;
import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;
import dev.oauthsmtprelay.oauth.RetryAfter;
import dev.oauthsmtprelay.oauth.TokenService;

/**
 * Delivers an {@link OutgoingMessage} through Microsoft Graph as its sender mailbox. Below relay.graph.draft-threshold
 * it is one {@code sendMail} request. From there on the draft path: create the draft from the MIME (the largest
 * attachments taken out), add those attachments (an upload session in ranges from 3 MB), send the draft. Each step is
 * kept in {@link DraftRecords}, so a retry sends the same draft, or learns from Graph that it went out already.
 */
public final class GraphClient {

    /** Graph's own threshold: smaller attachments are posted whole, larger ones go through an upload session. */
    static final long UPLOAD_SESSION_FROM = 3L * 1024 * 1024;
    /** Upload ranges: below Graph's 4 MB per request, a multiple of 320 KiB. */
    static final int UPLOAD_RANGE = 12 * 320 * 1024;
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(GraphClient.class);

    private final GraphSettings settings;
    private final GraphHttp http;
    private final GraphErrors errors;
    private final MailboxRequests requests;
    private final DraftRecords drafts;
    private final GraphStatistics statistics;
    private final Session session;
    private final Clock clock;
    private volatile BiConsumer<String, Instant> throttled = (mailbox, until) -> { };

    /** @param dataDir relay.data.dir: the draft records live in its {@code graph-drafts} folder */
    public GraphClient(GraphSettings settings, TokenService tokens, String clientId, Path dataDir, Session session,
                       Clock clock) {
        this.settings = settings;
        this.statistics = new GraphStatistics();
        this.http = new GraphHttp(settings, tokens, statistics);
        this.errors = new GraphErrors(clientId);
        this.requests = new MailboxRequests(settings.maxPerMailbox());
        this.drafts = new DraftRecords(dataDir.resolve("graph-drafts"));
        this.session = session;
        this.clock = clock;
    }

    /** Told when Graph throttles a mailbox, with the time its {@code Retry-After} ends: pacing holds its mail. */
    public void onThrottled(BiConsumer<String, Instant> listener) {
        this.throttled = listener;
    }

    public GraphSettings settings() {
        return settings;
    }

    public GraphStatistics statistics() {
        return statistics;
    }

    /** @param relayId the queued message's id: the draft record's key */
    public DeliveryReport deliver(OutgoingMessage message, String relayId) throws DeliveryFailure {
        DeliveryReport report = requests.as(message.mailbox(), () -> {
            Optional<Draft> earlier = drafts.find(relayId, message.recipients());
            return message.size() >= settings.draftThreshold() || earlier.isPresent()
                    ? viaDraft(message, relayId, earlier) : viaSendMail(message);
        });
        message.report(report);
        return report;
    }

    /** The message left the queue (delivered or a dead letter): its draft record is no longer needed. */
    public void finished(String relayId, List<String> recipients) {
        drafts.remove(relayId, recipients);
    }

    /**
     * Proves, without sending, that Graph takes requests as the mailbox: the token carries Mail.Send and the
     * mailbox's Drafts folder can be read (Mail.ReadWrite allows it; 200 also means the mailbox exists in the tenant,
     * is enabled for REST, and no application access policy leaves it out).
     */
    public String probe(String mailbox) throws DeliveryFailure {
        GraphResponse response = requests.as(mailbox, () -> http.call(mailbox, "GET",
                "/mailFolders/drafts?$select=displayName", null, null));
        if (!response.ok()) {
            throw failure(response, mailbox, "reading the Drafts folder");
        }
        return "HTTP " + response.status() + ": the Drafts folder of " + mailbox + " is readable";
    }

    private DeliveryReport viaSendMail(OutgoingMessage message) throws DeliveryFailure {
        byte[] mime = GraphRecipients.matchEnvelope(read(message), message.recipients());
        GraphResponse response = http.call(message.mailbox(), "POST", "/sendMail", "text/plain", base64(mime));
        if (!response.ok()) {
            throw failure(response, message.mailbox(), "sendMail");
        }
        return accepted(message, "HTTP " + response.status() + " sendMail");
    }

    /** @param earlier the draft an earlier attempt recorded for this message and these recipients, if any */
    private DeliveryReport viaDraft(OutgoingMessage message, String relayId, Optional<Draft> earlier)
            throws DeliveryFailure {
        String mailbox = message.mailbox();
        List<String> recipients = message.recipients();
        if (earlier.isPresent()) {
            Optional<DeliveryReport> resumed = resume(message, relayId, earlier.get());
            if (resumed.isPresent()) {
                return resumed.get();
            }
        }
        DraftContent.Split split;
        try {
            split = DraftContent.split(message, session, DraftContent.REQUEST_LIMIT);
        } catch (MessagingException | IOException e) {
            throw new DeliveryFailure(DeliveryFailure.Kind.PERMANENT, "The queued message cannot be split for Graph's "
                    + "draft path: " + e.getMessage(), null, null);
        }
        byte[] mime = GraphRecipients.matchEnvelope(split.draft(), recipients);
        GraphResponse created = http.call(mailbox, "POST", "/messages", "text/plain", base64(mime));
        if (!created.ok()) {
            throw failure(created, mailbox, "creating the draft");
        }
        String id = created.json().path("id").asText("");
        if (id.isEmpty()) {
            throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Graph created a draft as " + mailbox
                    + " but named no id (" + created.describe() + "); the relay retries.", created.describe(), null);
        }
        save(relayId, recipients, new Draft(mailbox, id, Step.CREATED));
        try {
            for (DraftContent.Attachment attachment : split.attachments()) {
                attach(mailbox, id, attachment);
            }
        } catch (DeliveryFailure failure) {
            if (failure.kind() == DeliveryFailure.Kind.PERMANENT) {
                discard(mailbox, id, relayId, recipients);
            }
            throw failure;
        }
        save(relayId, recipients, new Draft(mailbox, id, Step.ATTACHED));
        return send(message, relayId, new Draft(mailbox, id, Step.ATTACHED));
    }

    /** A draft from an earlier attempt: sent already, ready to send, or to be replaced (empty). */
    private Optional<DeliveryReport> resume(OutgoingMessage message, String relayId, Draft draft)
            throws DeliveryFailure {
        statistics.retried();
        if (draft.step() == Step.SENT) {
            return Optional.of(accepted(message, "sent on an earlier attempt (draft " + shortId(draft.id()) + ")"));
        }
        GraphResponse state = http.call(draft.mailbox(), "GET", "/messages/" + draft.id() + "?$select=isDraft",
                null, null);
        if (state.ok() && !state.json().path("isDraft").asBoolean(true)) {
            LOG.info("{}: Graph had sent its draft on an earlier attempt; not sending it again", relayId);
            save(relayId, message.recipients(), new Draft(draft.mailbox(), draft.id(), Step.SENT));
            return Optional.of(accepted(message, "sent on an earlier attempt (draft " + shortId(draft.id()) + ")"));
        }
        if (state.ok() && draft.step() == Step.ATTACHED) {
            return Optional.of(send(message, relayId, draft));
        }
        if (state.ok()) {
            LOG.info("{}: replacing the draft an earlier attempt left without all attachments", relayId);
            discard(draft.mailbox(), draft.id(), relayId, message.recipients());
            return Optional.empty();
        }
        if (state.status() == 404) {
            LOG.warn("{}: the draft of an earlier attempt is gone from {} (deleted in the mailbox?); creating it again",
                    relayId, draft.mailbox());
            drafts.remove(relayId, message.recipients());
            return Optional.empty();
        }
        throw failure(state, draft.mailbox(), "looking up the draft of an earlier attempt");
    }

    private DeliveryReport send(OutgoingMessage message, String relayId, Draft draft) throws DeliveryFailure {
        GraphResponse sent = http.call(draft.mailbox(), "POST", "/messages/" + draft.id() + "/send", "application/json",
                new byte[0]);
        if (sent.status() == 404) {
            drafts.remove(relayId, message.recipients());
            throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "The draft of " + relayId + " is gone from "
                    + draft.mailbox() + " (deleted in the mailbox?); the next attempt creates it again.",
                    sent.describe(), null);
        }
        if (!sent.ok()) {
            throw failure(sent, draft.mailbox(), "sending the draft");
        }
        save(relayId, message.recipients(), new Draft(draft.mailbox(), draft.id(), Step.SENT));
        return accepted(message, "HTTP " + sent.status() + " send (draft " + shortId(draft.id()) + ")");
    }

    private void attach(String mailbox, String id, DraftContent.Attachment attachment) throws DeliveryFailure {
        try {
            long size = attachment.size();
            if (size < UPLOAD_SESSION_FROM) {
                ObjectNode item = JSON.createObjectNode();
                item.put("@odata.type", "#microsoft.graph.fileAttachment");
                item.put("name", attachment.name());
                item.put("contentType", attachment.contentType());
                item.put("isInline", attachment.inline());
                if (attachment.contentId() != null) {
                    item.put("contentId", attachment.contentId());
                }
                try (InputStream in = attachment.open()) {
                    item.put("contentBytes", Base64.getEncoder().encodeToString(in.readAllBytes()));
                }
                GraphResponse added = http.call(mailbox, "POST", "/messages/" + id + "/attachments",
                        "application/json", JSON.writeValueAsBytes(item));
                if (!added.ok()) {
                    throw failure(added, mailbox, "adding attachment " + attachment.name());
                }
                return;
            }
            upload(mailbox, id, attachment, size);
        } catch (MessagingException | IOException e) {
            throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Reading attachment " + attachment.name()
                    + " of the queued message failed: " + e.getMessage(), null, null);
        }
    }

    private void upload(String mailbox, String id, DraftContent.Attachment attachment, long size)
            throws DeliveryFailure, MessagingException, IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode item = body.putObject("AttachmentItem");
        item.put("attachmentType", "file");
        item.put("name", attachment.name());
        item.put("size", size);
        item.put("contentType", attachment.contentType());
        item.put("isInline", attachment.inline());
        if (attachment.contentId() != null) {
            item.put("contentId", attachment.contentId());
        }
        GraphResponse session = http.call(mailbox, "POST", "/messages/" + id + "/attachments/createUploadSession",
                "application/json", JSON.writeValueAsBytes(body));
        if (!session.ok()) {
            throw failure(session, mailbox, "creating an upload session for " + attachment.name());
        }
        URI uploadUrl = URI.create(session.json().path("uploadUrl").asText());
        long offset = 0;
        try (InputStream in = attachment.open()) {
            while (offset < size) {
                byte[] range = in.readNBytes((int) Math.min(UPLOAD_RANGE, size - offset));
                if (range.length == 0) {
                    throw new IOException("the attachment ended after " + offset + " of " + size + " bytes");
                }
                GraphResponse put = http.upload(uploadUrl, range, offset, size, mailbox);
                if (!put.ok()) {
                    throw failure(put, mailbox, "uploading " + attachment.name());
                }
                offset += range.length;
            }
        }
    }

    private void discard(String mailbox, String id, String relayId, List<String> recipients) {
        try {
            GraphResponse deleted = http.call(mailbox, "DELETE", "/messages/" + id, null, null);
            if (!deleted.ok() && deleted.status() != 404) {
                LOG.warn("{}: could not delete its unfinished draft from the Drafts folder of {}: {}", relayId,
                        mailbox, deleted.describe());
            }
        } catch (DeliveryFailure e) {
            LOG.warn("{}: could not delete its unfinished draft from the Drafts folder of {}: {}", relayId, mailbox,
                    e.getMessage());
        }
        drafts.remove(relayId, recipients);
    }

    private void save(String relayId, List<String> recipients, Draft draft) throws DeliveryFailure {
        try {
            drafts.save(relayId, recipients, draft);
        } catch (IOException e) {
            throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Cannot keep the Graph draft id of " + relayId
                    + " in relay.data.dir (" + e.getMessage() + "): free space or fix permissions there; the relay "
                    + "retries and takes up the same draft.", null, e);
        }
    }

    private DeliveryFailure failure(GraphResponse response, String mailbox, String what) {
        if (response.status() == 429 || response.status() == 503) {
            Instant now = clock.instant();
            Duration wait = response.header("Retry-After").map(value -> RetryAfter.parse(value, now))
                    .orElse(DEFAULT_RETRY_AFTER);
            throttled.accept(mailbox, now.plus(wait == null ? DEFAULT_RETRY_AFTER : wait));
        }
        return errors.classify(response, mailbox, what);
    }

    private static DeliveryReport accepted(OutgoingMessage message, String reply) {
        return new DeliveryReport(reply, message.recipients(), Map.of(), Map.of());
    }

    private static byte[] read(OutgoingMessage message) throws DeliveryFailure {
        try (InputStream in = message.queuedBytes()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DeliveryFailure(DeliveryFailure.Kind.TRANSIENT, "Reading the queued message failed: "
                    + e.getMessage(), null, e);
        }
    }

    private static byte[] base64(byte[] mime) {
        return Base64.getEncoder().encode(mime);
    }

    private static String shortId(String id) {
        return id.length() <= 12 ? id : "…" + id.substring(id.length() - 12);
    }
}
