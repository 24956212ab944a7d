package dev.oauthsmtprelay.sandbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A stand-in for the part of Microsoft Graph the relay's Graph transport uses, on 127.0.0.1 (a free port), under
 * {@code /v1.0}. It checks every bearer token (signature, expiry and audience through the given validator, and the
 * roles claim: {@code Mail.Send} to send, {@code Mail.ReadWrite} for drafts and reads) and records every request.
 *
 * <ul>
 *   <li>{@code POST /users/{m}/sendMail}: base64 MIME ({@code text/plain}), 202;</li>
 *   <li>{@code POST /users/{m}/messages}: a draft from base64 MIME, 201 with its (immutable) id;</li>
 *   <li>{@code POST …/messages/{id}/attachments}: a {@code fileAttachment} with {@code contentBytes};</li>
 *   <li>{@code POST …/messages/{id}/attachments/createUploadSession}, then {@code PUT} byte ranges to the
 *       upload URL (without an Authorization header, as Graph requires);</li>
 *   <li>{@code POST …/messages/{id}/send}, 202; afterwards {@code GET …/messages/{id}} answers
 *       {@code "isDraft": false}, as Graph does for an immutable id that moved to Sent Items;</li>
 *   <li>{@code GET /users/{m}/mailFolders/{folder}}: the harmless read the relay's check and probe use.</li>
 * </ul>
 * Requests over Graph's 4 MB limit get 413. Scripts make the next requests of an operation fail, or take effect and
 * then fail (a 504 after the send went through); a reply latency can be set.
 */
public final class SandboxGraph implements AutoCloseable {

    /** Graph's limit for one request body. */
    public static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    public static final String MAIL_SEND = "Mail.Send";
    public static final String MAIL_READ_WRITE = "Mail.ReadWrite";

    /** What a request does; scripts and the record use it. */
    public enum Operation { SEND_MAIL, CREATE_DRAFT, ADD_ATTACHMENT, CREATE_UPLOAD_SESSION, UPLOAD, SEND_DRAFT,
        GET_MESSAGE, GET_FOLDER }

    private static final Pattern USER_PATH = Pattern.compile("/v1\\.0/users/([^/]+)(/.*)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, Optional<String>> tokenProblem;
    private final Set<String> mailboxes = ConcurrentHashMap.newKeySet();
    private final Map<String, String> deniedMailboxes = new ConcurrentHashMap<>();
    private final Set<String> restDisabled = ConcurrentHashMap.newKeySet();
    private final Map<String, String> refusedRecipients = new ConcurrentHashMap<>();
    private final Map<Operation, Deque<Script>> scripts = new EnumMap<>(Operation.class);
    private final Map<String, Draft> drafts = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final List<SentMessage> sent = new ArrayList<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Integer> peakInFlight = new ConcurrentHashMap<>();
    private volatile Duration latency = Duration.ZERO;
    private HttpServer server;
    private ExecutorService executor;

    /** @param tokenProblem why a bearer token is not valid for Graph (signature, expiry, audience), empty when it is */
    private SandboxGraph(Function<String, Optional<String>> tokenProblem) {
        this.tokenProblem = tokenProblem;
    }

    /** A stand-in that accepts the sandbox token server's Graph tokens, on a free port. */
    public static SandboxGraph start(SandboxTokenServer tokens) {
        return start(token -> tokens.problemWith(token, SandboxTokenServer.GRAPH_AUDIENCE, null));
    }

    public static SandboxGraph start(Function<String, Optional<String>> tokenProblem) {
        SandboxGraph graph = new SandboxGraph(tokenProblem);
        try {
            graph.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 100);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Graph stand-in", e);
        }
        graph.executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "sandbox-graph");
            thread.setDaemon(true);
            return thread;
        });
        graph.server.setExecutor(graph.executor);
        graph.server.createContext("/", graph::handle);
        graph.server.start();
        return graph;
    }

    /** The base URL, what a credentials file's {@code graph_endpoint} names. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0");
    }

    /** Only these mailboxes exist (others: 404 ErrorInvalidUser). Until called, every mailbox exists. */
    public SandboxGraph mailboxes(String... addresses) {
        for (String address : addresses) {
            mailboxes.add(address.toLowerCase(Locale.ROOT));
        }
        return this;
    }

    /** An application access policy that excludes the mailbox: 403 ErrorAccessDenied for every request as it. */
    public SandboxGraph denyMailbox(String mailbox) {
        deniedMailboxes.put(mailbox.toLowerCase(Locale.ROOT), "Access to OData is disabled: [RAOP] : Blocked by "
                + "tenant configured AppOnly AccessPolicy settings.");
        return this;
    }

    public SandboxGraph allowMailbox(String mailbox) {
        deniedMailboxes.remove(mailbox.toLowerCase(Locale.ROOT));
        return this;
    }

    /** The mailbox is inactive, soft-deleted or on-premises: 404 MailboxNotEnabledForRESTAPI. */
    public SandboxGraph disableRest(String mailbox) {
        restDisabled.add(mailbox.toLowerCase(Locale.ROOT));
        return this;
    }

    /** Sending to this recipient fails with 400 ErrorInvalidRecipients. */
    public SandboxGraph refuseRecipient(String address) {
        refusedRecipients.put(address.toLowerCase(Locale.ROOT), "ErrorInvalidRecipients");
        return this;
    }

    /** The next {@code times} requests of {@code operation} get this reply instead of being carried out. */
    public SandboxGraph failNext(Operation operation, int times, int status, String code, String message,
                                 Map<String, String> headers) {
        return script(operation, new Script(times, false, status, code, message, headers));
    }

    /** The next request of {@code operation} is carried out, and then answered with this status (a 504 that worked). */
    public SandboxGraph succeedThenFail(Operation operation, int status) {
        return script(operation, new Script(1, true, status, "UnknownError", "Gateway Timeout", Map.of()));
    }

    private synchronized SandboxGraph script(Operation operation, Script script) {
        scripts.computeIfAbsent(operation, o -> new ArrayDeque<>()).add(script);
        return this;
    }

    /** Every reply waits this long first (for the bench: Graph answers in tens of milliseconds). */
    public SandboxGraph latency(Duration latency) {
        this.latency = latency;
        return this;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized long count(Operation operation) {
        return requests.stream().filter(r -> r.operation() == operation).count();
    }

    /** Messages Graph sent: through sendMail, or a draft with its attachments. */
    public synchronized List<SentMessage> sent() {
        return List.copyOf(sent);
    }

    public synchronized int sentCount() {
        return sent.size();
    }

    /** Drafts not sent (yet). */
    public long openDrafts() {
        return drafts.values().stream().filter(d -> !d.sent).count();
    }

    /** The most requests that were in flight at once as the mailbox. */
    public int peakInFlight(String mailbox) {
        return peakInFlight.getOrDefault(mailbox.toLowerCase(Locale.ROOT), 0);
    }

    /** Forgets the scripts that have not run yet; drafts and the record stay. */
    public synchronized SandboxGraph clearScripts() {
        scripts.clear();
        return this;
    }

    public synchronized void reset() {
        requests.clear();
        sent.clear();
        scripts.clear();
        drafts.clear();
        uploads.clear();
        peakInFlight.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = readBody(exchange.getRequestBody());
            Reply reply = answer(exchange, body);
            byte[] out = reply.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("request-id", UUID.randomUUID().toString());
            reply.headers.forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(reply.status, out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream stream = exchange.getResponseBody()) {
                    stream.write(out);
                }
            }
        }
    }

    private Reply answer(HttpExchange exchange, byte[] body) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/upload/")) {
            waitLatency();
            return record(method, path, null, Operation.UPLOAD, body.length, upload(exchange, path, body));
        }
        Matcher user = USER_PATH.matcher(path);
        if (!user.matches()) {
            waitLatency();
            return record(method, path, null, null, body.length, error(404, "ResourceNotFound", "Unsupported path"));
        }
        String mailbox = java.net.URLDecoder.decode(user.group(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        String rest = user.group(2);
        Operation operation = operation(method, rest);
        if (operation == null) {
            waitLatency();
            return record(method, path, mailbox, null, body.length, error(400, "BadRequest", "Unsupported request "
                    + method + " " + rest));
        }
        AtomicInteger now = inFlight.computeIfAbsent(mailbox, m -> new AtomicInteger());
        int current = now.incrementAndGet();
        peakInFlight.merge(mailbox, current, Math::max);
        try {
            // inside the in-flight window: requests that wait out their latency together are in flight together
            waitLatency();
            return record(method, path, mailbox, operation, body.length, authorisedAnswer(exchange, mailbox, rest,
                    operation, body));
        } finally {
            now.decrementAndGet();
        }
    }

    private void waitLatency() {
        if (latency.isZero()) {
            return;
        }
        try {
            Thread.sleep(latency.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Reply authorisedAnswer(HttpExchange exchange, String mailbox, String rest, Operation operation,
                                   byte[] body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return error(401, "InvalidAuthenticationToken", "Access token is empty.");
        }
        String token = authorization.substring("Bearer ".length()).trim();
        Optional<String> problem = tokenProblem.apply(token);
        if (problem.isPresent()) {
            return error(401, "InvalidAuthenticationToken", "Access token validation failure: " + problem.get());
        }
        List<String> roles = roles(token);
        String needed = operation == Operation.SEND_MAIL || operation == Operation.SEND_DRAFT ? MAIL_SEND
                : MAIL_READ_WRITE;
        if (!roles.contains(needed)) {
            return error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        }
        if (!mailboxes.isEmpty() && !mailboxes.contains(mailbox)) {
            return error(404, "ErrorInvalidUser", "The requested user '" + mailbox + "' is invalid.");
        }
        if (restDisabled.contains(mailbox)) {
            return error(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is "
                    + "hosted on-premise.");
        }
        if (deniedMailboxes.containsKey(mailbox)) {
            return error(403, "ErrorAccessDenied", deniedMailboxes.get(mailbox));
        }
        if (body.length > MAX_REQUEST_BYTES) {
            return error(413, "RequestBodyTooLarge", "The request body exceeds the 4 MB limit: " + body.length
                    + " bytes.");
        }
        Script script = nextScript(operation);
        if (script != null && !script.afterEffect) {
            return script.reply();
        }
        Reply reply = carryOut(mailbox, rest, operation, body);
        return script != null && reply.status < 300 ? script.reply() : reply;
    }

    private static Operation operation(String method, String rest) {
        if (method.equals("POST")) {
            if (rest.equals("/sendMail")) {
                return Operation.SEND_MAIL;
            }
            if (rest.equals("/messages")) {
                return Operation.CREATE_DRAFT;
            }
            if (rest.matches("/messages/[^/]+/send")) {
                return Operation.SEND_DRAFT;
            }
            if (rest.matches("/messages/[^/]+/attachments/createUploadSession")) {
                return Operation.CREATE_UPLOAD_SESSION;
            }
            if (rest.matches("/messages/[^/]+/attachments")) {
                return Operation.ADD_ATTACHMENT;
            }
        } else if (method.equals("GET")) {
            if (rest.matches("/messages/[^/]+")) {
                return Operation.GET_MESSAGE;
            }
            if (rest.matches("/mailFolders/[^/]+")) {
                return Operation.GET_FOLDER;
            }
        }
        return null;
    }

    private Reply carryOut(String mailbox, String rest, Operation operation, byte[] body) {
        String[] parts = rest.split("/");
        return switch (operation) {
            case SEND_MAIL -> sendMail(mailbox, body);
            case CREATE_DRAFT -> createDraft(mailbox, body);
            case SEND_DRAFT -> sendDraft(mailbox, parts[2]);
            case ADD_ATTACHMENT -> addAttachment(mailbox, parts[2], body);
            case CREATE_UPLOAD_SESSION -> createUploadSession(mailbox, parts[2], body);
            case GET_MESSAGE -> getMessage(mailbox, parts[2]);
            case GET_FOLDER -> new Reply(200, "{\"id\":\"" + UUID.nameUUIDFromBytes(mailbox.getBytes()) + "\","
                    + "\"displayName\":\"" + parts[2] + "\"}", Map.of());
            case UPLOAD -> throw new IllegalStateException();
        };
    }

    private Reply sendMail(String mailbox, byte[] body) {
        Parsed parsed = parse(body);
        if (parsed.error != null) {
            return parsed.error;
        }
        synchronized (this) {
            sent.add(new SentMessage(mailbox, parsed.mime, parsed.recipients, List.of(), false));
        }
        return new Reply(202, "", Map.of());
    }

    private Reply createDraft(String mailbox, byte[] body) {
        Parsed parsed = parse(body);
        if (parsed.error != null) {
            return parsed.error;
        }
        String id = "AAMk" + UUID.randomUUID().toString().replace("-", "");
        drafts.put(id, new Draft(mailbox, parsed.mime, parsed.recipients));
        return new Reply(201, "{\"id\":\"" + id + "\",\"isDraft\":true}", Map.of());
    }

    private Reply sendDraft(String mailbox, String id) {
        Draft draft = drafts.get(id);
        if (draft == null || !draft.mailbox.equals(mailbox)) {
            return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }
        synchronized (draft) {
            if (draft.sent) {
                return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
            }
            if (draft.uploads.values().stream().anyMatch(u -> !u.complete())) {
                return error(400, "ErrorInvalidRequest", "An attachment upload is not complete.");
            }
            draft.sent = true;
        }
        List<Attachment> attachments = new ArrayList<>(draft.attachments);
        draft.uploads.values().forEach(u -> attachments.add(u.attachment()));
        synchronized (this) {
            sent.add(new SentMessage(mailbox, draft.mime, draft.recipients, attachments, true));
        }
        return new Reply(202, "", Map.of());
    }

    private Reply getMessage(String mailbox, String id) {
        Draft draft = drafts.get(id);
        if (draft == null || !draft.mailbox.equals(mailbox)) {
            return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }
        return new Reply(200, "{\"id\":\"" + id + "\",\"isDraft\":" + !draft.sent + "}", Map.of());
    }

    private Reply addAttachment(String mailbox, String id, byte[] body) {
        Draft draft = drafts.get(id);
        if (draft == null || !draft.mailbox.equals(mailbox) || draft.sent) {
            return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }
        try {
            JsonNode item = JSON.readTree(body);
            byte[] content = Base64.getDecoder().decode(item.path("contentBytes").asText());
            synchronized (draft) {
                draft.attachments.add(new Attachment(item.path("name").asText(), item.path("contentType").asText(),
                        item.path("contentId").asText(null), item.path("isInline").asBoolean(), content));
            }
            return new Reply(201, "{\"id\":\"" + UUID.randomUUID() + "\"}", Map.of());
        } catch (IOException | IllegalArgumentException e) {
            return error(400, "ErrorInvalidRequest", "The attachment does not parse: " + e.getMessage());
        }
    }

    private Reply createUploadSession(String mailbox, String id, byte[] body) {
        Draft draft = drafts.get(id);
        if (draft == null || !draft.mailbox.equals(mailbox) || draft.sent) {
            return error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }
        try {
            JsonNode item = JSON.readTree(body).path("AttachmentItem");
            if (!"file".equals(item.path("attachmentType").asText()) || item.path("size").asLong(-1) < 0) {
                return error(400, "ErrorInvalidRequest", "AttachmentItem needs attachmentType file and a size.");
            }
            String session = UUID.randomUUID().toString();
            Upload upload = new Upload(item.path("name").asText(), item.path("contentType").asText(),
                    item.path("contentId").asText(null), item.path("isInline").asBoolean(), item.path("size").asLong());
            uploads.put(session, upload);
            synchronized (draft) {
                draft.uploads.put(session, upload);
            }
            ObjectNode reply = JSON.createObjectNode();
            reply.put("uploadUrl", "http://127.0.0.1:" + server.getAddress().getPort() + "/upload/" + session
                    + "?authtoken=" + UUID.randomUUID());
            reply.put("expirationDateTime", java.time.Instant.now().plusSeconds(900).toString());
            reply.putArray("nextExpectedRanges").add("0-");
            return new Reply(201, reply.toString(), Map.of());
        } catch (IOException e) {
            return error(400, "ErrorInvalidRequest", "The request does not parse: " + e.getMessage());
        }
    }

    private Reply upload(HttpExchange exchange, String path, byte[] body) {
        if (exchange.getRequestHeaders().getFirst("Authorization") != null) {
            return error(401, "InvalidAuthenticationToken", "Do not send an Authorization header to the upload URL.");
        }
        Upload upload = uploads.get(path.substring("/upload/".length()));
        if (upload == null) {
            return error(404, "ErrorItemNotFound", "No such upload session.");
        }
        if (body.length > MAX_REQUEST_BYTES) {
            return error(413, "RequestBodyTooLarge", "An upload range may be 4 MB at most.");
        }
        Matcher range = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)")
                .matcher(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Range")));
        if (!range.matches()) {
            return error(400, "InvalidRange", "Content-Range must be 'bytes first-last/size'.");
        }
        long first = Long.parseLong(range.group(1));
        long last = Long.parseLong(range.group(2));
        synchronized (upload) {
            if (Long.parseLong(range.group(3)) != upload.size || first != upload.content.size()
                    || last - first + 1 != body.length) {
                return error(416, "InvalidRange", "Expected bytes " + upload.content.size() + "- of " + upload.size);
            }
            upload.content.write(body, 0, body.length);
            if (upload.complete()) {
                return new Reply(201, "", Map.of("Location", "https://outlook.office.com/api/v2.0/Attachments('"
                        + UUID.randomUUID() + "')"));
            }
            return new Reply(200, "{\"nextExpectedRanges\":[\"" + upload.content.size() + "-\"]}", Map.of());
        }
    }

    private Parsed parse(byte[] body) {
        byte[] mime;
        try {
            mime = Base64.getMimeDecoder().decode(new String(body, StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException e) {
            return new Parsed(null, null, error(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string "
                    + "for MIME content."));
        }
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime));
            List<String> recipients = new ArrayList<>();
            for (Message.RecipientType type : new Message.RecipientType[] {Message.RecipientType.TO,
                    Message.RecipientType.CC, Message.RecipientType.BCC}) {
                Address[] addresses = message.getRecipients(type);
                if (addresses != null) {
                    for (Address address : addresses) {
                        recipients.add(((jakarta.mail.internet.InternetAddress) address).getAddress()
                                .toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (recipients.isEmpty()) {
                return new Parsed(null, null, error(400, "ErrorInvalidRecipients", "At least one recipient is not "
                        + "valid., Recipient is missing."));
            }
            for (String recipient : recipients) {
                if (refusedRecipients.containsKey(recipient)) {
                    return new Parsed(null, null, error(400, "ErrorInvalidRecipients", "At least one recipient isn't "
                            + "valid., A message can't be sent because it contains no recipients: " + recipient));
                }
            }
            return new Parsed(mime, List.copyOf(recipients), null);
        } catch (MessagingException e) {
            return new Parsed(null, null, error(400, "ErrorMimeContentInvalid", "Invalid MIME content: "
                    + e.getMessage()));
        }
    }

    private synchronized Script nextScript(Operation operation) {
        Deque<Script> queue = scripts.get(operation);
        if (queue == null || queue.isEmpty()) {
            return null;
        }
        Script script = queue.peek();
        if (--script.remaining <= 0) {
            queue.poll();
        }
        return script;
    }

    private synchronized Reply record(String method, String path, String mailbox, Operation operation, int bytes,
                                      Reply reply) {
        requests.add(new Request(method, path, mailbox, operation, reply.status, bytes, System.nanoTime()));
        return reply;
    }

    private static List<String> roles(String token) {
        try {
            List<String> roles = SignedJWT.parse(token).getJWTClaimsSet().getStringListClaim("roles");
            return roles == null ? List.of() : roles;
        } catch (ParseException e) {
            return List.of();
        }
    }

    private static Reply error(int status, String code, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return new Reply(status, root.toString(), Map.of());
    }

    private static byte[] readBody(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    // ------------------------------------------------------------------------------------------------------------

    /** One request as the stand-in saw it. */
    public record Request(String method, String path, String mailbox, Operation operation, int status, int bytes,
                          long nanoTime) {
    }

    /** A file attached to a draft, through {@code contentBytes} or an upload session. */
    public record Attachment(String name, String contentType, String contentId, boolean inline, byte[] content) {
    }

    /**
     * A message Graph sent: the MIME it was given (for a draft: without the attachments added later), the recipients
     * taken from its To, Cc and Bcc headers, and the attachments added to the draft.
     */
    public record SentMessage(String mailbox, byte[] mime, List<String> recipients, List<Attachment> attachments,
                              boolean viaDraft) {

        public MimeMessage parsed() {
            try {
                return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime));
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private record Reply(int status, String body, Map<String, String> headers) {
    }

    private record Parsed(byte[] mime, List<String> recipients, Reply error) {
    }

    private static final class Script {
        private int remaining;
        private final boolean afterEffect;
        private final int status;
        private final String code;
        private final String message;
        private final Map<String, String> headers;

        Script(int times, boolean afterEffect, int status, String code, String message, Map<String, String> headers) {
            this.remaining = times;
            this.afterEffect = afterEffect;
            this.status = status;
            this.code = code;
            this.message = message;
            this.headers = headers;
        }

        Reply reply() {
            Reply error = error(status, code, message);
            return new Reply(status, error.body, headers);
        }
    }

    private static final class Draft {
        private final String mailbox;
        private final byte[] mime;
        private final List<String> recipients;
        private final List<Attachment> attachments = new ArrayList<>();
        private final Map<String, Upload> uploads = new LinkedHashMap<>();
        private boolean sent;

        Draft(String mailbox, byte[] mime, List<String> recipients) {
            this.mailbox = mailbox;
            this.mime = mime;
            this.recipients = recipients;
        }
    }

    private static final class Upload {
        private final String name;
        private final String contentType;
        private final String contentId;
        private final boolean inline;
        private final long size;
        private final ByteArrayOutputStream content = new ByteArrayOutputStream();

        Upload(String name, String contentType, String contentId, boolean inline, long size) {
            this.name = name;
            this.contentType = contentType;
            this.contentId = contentId;
            this.inline = inline;
            this.size = size;
        }

        synchronized boolean complete() {
            return content.size() == size;
        }

        synchronized Attachment attachment() {
            return new Attachment(name, contentType, contentId, inline, content.toByteArray());
        }
    }
}
