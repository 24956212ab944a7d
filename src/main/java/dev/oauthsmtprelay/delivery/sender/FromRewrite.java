package dev.oauthsmtprelay.delivery.sender;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.oauthsmtprelay.message.HeaderFacts;
import dev.oauthsmtprelay.message.MimeHeaderSection;

/**
 * The From header becomes the sender mailbox the relay logs in as, when {@link FromPolicy} says so (Exchange refuses
 * a From the mailbox may not send as). The original From is kept as Reply-To when the message has none, so answers
 * still reach the original sender. The body is not touched.
 */
public final class FromRewrite {

    private FromRewrite() {
    }

    /**
     * The first address of the From header, read leniently; empty when there is none that parses. For a message
     * queued without {@code RelayHeaderFrom}: intake reads it for every message it queues now.
     */
    public static Optional<String> fromAddress(byte[] mime) {
        return HeaderFacts.fromAddresses(MimeHeaderSection.read(mime).values("From")).stream().findFirst();
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
