package dev.oauthsmtprelay.delivery.sender;

import java.util.ArrayList;
import java.util.List;

import dev.oauthsmtprelay.message.MimeHeaderSection;

/**
 * {@code relay.rewrite-from}: the From header becomes the sender mailbox the relay logs in as
 * (some hubs and DMARC policies want them equal). The original From is kept as Reply-To when the
 * message has none, so answers still reach the original sender. The body is not touched.
 */
public final class FromRewrite {

    private FromRewrite() {
    }

    public static byte[] apply(byte[] mime, String mailbox) {
        MimeHeaderSection headers = MimeHeaderSection.read(mime);
        List<String> added = new ArrayList<>();
        added.add("From: " + mailbox);
        List<String> from = headers.values("From");
        if (headers.values("Reply-To").isEmpty() && !from.isEmpty()) {
            added.add("Reply-To: " + from.get(0));
        }
        return headers.rewrite(name -> !name.equalsIgnoreCase("From"), added);
    }
}
