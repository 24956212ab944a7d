package dev.oauthsmtprelay.app.send;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@code send} was asked to send, written in the relay's structured JSON message format
 * (docs/message-formats.md), so the spool intake and {@code send --now} read exactly the same bytes.
 */
public record MessageDraft(String messageId, String from, List<String> to, List<String> cc, List<String> bcc,
                           String subject, String body, boolean html, List<Path> attachments) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public MessageDraft {
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        bcc = List.copyOf(bcc);
        attachments = List.copyOf(attachments);
    }

    /** @throws IOException when an attachment cannot be read */
    public byte[] toJson() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("from", from);
        addresses(root, "to", to);
        addresses(root, "cc", cc);
        addresses(root, "bcc", bcc);
        root.put("subject", subject);
        root.put(html ? "html" : "text", body);
        if (!attachments.isEmpty()) {
            ArrayNode files = root.putArray("attachments");
            for (Path file : attachments) {
                ObjectNode attachment = files.addObject();
                attachment.put("filename", file.getFileName().toString());
                String type = Files.probeContentType(file);
                if (type != null) {
                    attachment.put("contentType", type);
                }
                attachment.put("content", Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
            }
        }
        root.putObject("headers").put("Message-ID", messageId);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static void addresses(ObjectNode root, String field, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = root.putArray(field);
            values.forEach(array::add);
        }
    }
}
