package dev.oauthsmtprelay.intake;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code relay.rewrite-from}: the From header becomes the sender mailbox the relay logs in as
 * (some hubs and DMARC policies want them equal). The original From is kept as Reply-To when the
 * message has none, so answers still reach the original sender. The body is not touched.
 */
public final class FromRewrite {

    private FromRewrite() {
    }

    public static byte[] apply(byte[] mime, String mailbox) throws InvalidMessageException {
        RawHeaderSection headers = RawHeaderSection.read(mime);
        List<String> added = new ArrayList<>();
        added.add("From: " + mailbox);
        if (headers.value("Reply-To").isEmpty()) {
            headers.value("From").ifPresent(original -> added.add("Reply-To: " + original.trim()));
        }
        return headers.rewrite(field -> !field.isNamed("From"), added);
    }
}
