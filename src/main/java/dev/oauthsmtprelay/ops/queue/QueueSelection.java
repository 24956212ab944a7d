package dev.oauthsmtprelay.ops.queue;

import java.util.Map;

import dev.oauthsmtprelay.message.QueuedMessage;
import dev.oauthsmtprelay.queue.QueueAdmin;

/** Which messages an action concerns: one relay id, every message of one envelope sender, or all. */
public record QueueSelection(String description, String filter) {

    public static QueueSelection from(Map<String, String> form) {
        String id = blankToNull(form.get("id"));
        String sender = blankToNull(form.get("sender"));
        boolean all = "true".equalsIgnoreCase(form.get("all"));
        int given = (id != null ? 1 : 0) + (sender != null ? 1 : 0) + (all ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException("name exactly one of: a relay id, --sender ADDRESS, or --all");
        }
        if (id != null) {
            return new QueueSelection("id " + id, QueuedMessage.RELAY_ID + " = " + QueueAdmin.literal(id));
        }
        if (sender != null) {
            return new QueueSelection("sender " + sender, QueuedMessage.MAIL_FROM + " = " + QueueAdmin.literal(sender));
        }
        return new QueueSelection("all messages", "");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
