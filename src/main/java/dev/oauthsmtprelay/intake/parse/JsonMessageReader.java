package dev.oauthsmtprelay.intake.parse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.ParseException;

import dev.oauthsmtprelay.message.InvalidMessageException;

/** Reads and validates the structured JSON message format (see docs/message-formats.md). */
final class JsonMessageReader {

    static final List<String> FIELDS =
            List.of("from", "to", "cc", "bcc", "replyTo", "subject", "text", "html", "attachments", "headers");
    static final List<String> ATTACHMENT_FIELDS = List.of("path", "content", "filename", "contentType");
    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    private final AttachmentFiles attachmentFiles;
    private final long maxSizeBytes;

    JsonMessageReader(AttachmentFiles attachmentFiles, long maxSizeBytes) {
        this.attachmentFiles = attachmentFiles;
        this.maxSizeBytes = maxSizeBytes;
    }

    JsonMessage read(byte[] content) throws InvalidMessageException {
        JsonNode root = tree(content);
        JsonFields.requireKnownFields(root, FIELDS, "");

        String fromText = JsonFields.optionalString(root, "from", "\"from\"");
        if (fromText == null || fromText.isBlank()) {
            throw new InvalidMessageException("no sender: \"from\" is missing; add \"from\": \"mailbox@example.com\" "
                    + "with the mailbox that sends");
        }
        InternetAddress from = AddressParser.parseOne("\"from\"", HeaderText.singleLine("\"from\"", fromText));
        List<InternetAddress> to = addresses(root, "to");
        List<InternetAddress> cc = addresses(root, "cc");
        List<InternetAddress> bcc = addresses(root, "bcc");
        List<InternetAddress> replyTo = addresses(root, "replyTo");
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new InvalidMessageException("no recipient: the message has no to, cc or bcc address; add at least "
                    + "one recipient");
        }
        String subject = JsonFields.optionalString(root, "subject", "\"subject\"");
        if (subject != null) {
            HeaderText.singleLine("\"subject\"", subject);
        }
        String text = JsonFields.optionalString(root, "text", "\"text\"");
        String html = JsonFields.optionalString(root, "html", "\"html\"");
        List<Attachment> attachments = attachments(root);
        List<Map.Entry<String, String>> headers = headers(root);

        JsonMessage message = new JsonMessage(from, to, cc, bcc, replyTo, subject, text, html, attachments, headers);
        if (!message.hasContent()) {
            throw new InvalidMessageException("empty message: it has no \"text\", \"html\" or \"attachments\"; add "
                    + "at least one of them");
        }
        return message;
    }

    private JsonNode tree(byte[] content) throws InvalidMessageException {
        JsonNode root;
        try {
            root = mapper.readTree(content);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidMessageException("not valid JSON" + where + ": " + e.getOriginalMessage()
                    + "; check for a missing comma, quote or bracket there", e);
        } catch (IOException e) {
            throw new InvalidMessageException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidMessageException("empty message: the JSON document is blank; write a JSON object with "
                    + "at least \"from\", \"to\" and \"text\"");
        }
        if (!root.isObject()) {
            throw new InvalidMessageException("not a JSON message: the document must be an object such as "
                    + "{\"from\": \"...\", \"to\": \"...\", \"subject\": \"...\", \"text\": \"...\"}");
        }
        return root;
    }

    private static List<InternetAddress> addresses(JsonNode root, String field) throws InvalidMessageException {
        List<InternetAddress> addresses = new ArrayList<>();
        List<String> values = JsonFields.stringOrArray(root, field);
        boolean array = root.path(field).isArray();
        for (int i = 0; i < values.size(); i++) {
            String label = "\"" + field + "\"" + (array ? "[" + i + "]" : "");
            addresses.addAll(AddressParser.parseList(label, HeaderText.singleLine(label, values.get(i))));
        }
        return addresses;
    }

    private List<Attachment> attachments(JsonNode root) throws InvalidMessageException {
        List<JsonNode> nodes = JsonFields.optionalArrayOfObjects(root, "attachments");
        List<Attachment> attachments = new ArrayList<>();
        long budget = maxSizeBytes;
        for (int i = 0; i < nodes.size(); i++) {
            Attachment attachment = attachment(nodes.get(i), "attachments[" + i + "]", budget);
            budget -= attachment.content().length;
            attachments.add(attachment);
        }
        return attachments;
    }

    private Attachment attachment(JsonNode node, String label, long budget) throws InvalidMessageException {
        JsonFields.requireKnownFields(node, ATTACHMENT_FIELDS, " in " + label);
        String path = JsonFields.optionalString(node, "path", label + ".path");
        String content = JsonFields.optionalString(node, "content", label + ".content");
        String filename = JsonFields.optionalString(node, "filename", label + ".filename");
        String contentType = JsonFields.optionalString(node, "contentType", label + ".contentType");
        if ((path == null) == (content == null)) {
            throw new InvalidMessageException(label + " needs exactly one of \"path\" (a file in an allowed attachment "
                    + "directory) or \"content\" (the file as base64), " + (path == null ? "found neither" : "found both"));
        }
        byte[] bytes;
        if (path != null) {
            bytes = attachmentFiles.read(label + ".path", HeaderText.singleLine(label + ".path", path), budget);
            if (filename == null) {
                filename = Path.of(path).getFileName().toString();
            }
        } else {
            if (filename == null || filename.isBlank()) {
                throw new InvalidMessageException(label + ".filename is missing: an attachment given as \"content\" "
                        + "needs a \"filename\" such as \"invoice.pdf\"");
            }
            bytes = base64(label + ".content", content);
        }
        HeaderText.singleLine(label + ".filename", filename);
        return new Attachment(filename, contentType(label + ".contentType", contentType), bytes);
    }

    private static byte[] base64(String label, String content) throws InvalidMessageException {
        // The MIME decoder would silently skip invalid characters; strip only line breaks and spaces instead.
        String compact = content.replaceAll("[\\r\\n\\t ]", "");
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException("invalid base64 in " + label + ": " + e.getMessage()
                    + "; encode the file with standard base64 (RFC 4648, alphabet A-Z a-z 0-9 + /, padded with =)", e);
        }
    }

    private static String contentType(String label, String contentType) throws InvalidMessageException {
        if (contentType == null) {
            return DEFAULT_CONTENT_TYPE;
        }
        HeaderText.singleLine(label, contentType);
        try {
            ContentType parsed = new ContentType(contentType);
            return parsed.toString();
        } catch (ParseException e) {
            throw new InvalidMessageException("invalid " + label + " \"" + contentType + "\": use a media type such "
                    + "as application/pdf or text/csv", e);
        }
    }

    private static List<Map.Entry<String, String>> headers(JsonNode root) throws InvalidMessageException {
        List<Map.Entry<String, String>> headers = JsonFields.optionalStringMap(root, "headers");
        for (Map.Entry<String, String> header : headers) {
            HeaderText.requireAllowedName(header.getKey());
            HeaderText.singleLine("header \"" + header.getKey() + "\"", header.getValue());
        }
        return headers;
    }
}
