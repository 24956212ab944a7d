package dev.oauthsmtprelay.delivery.graph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;

import dev.oauthsmtprelay.delivery.transport.OutgoingMessage;

/**
 * A message for the draft path, cut to fit Graph's 4 MB request: its largest attachments are taken out (biggest
 * first, until the rest fits) and added to the draft afterwards, each read as a stream from the queued message. The
 * rest keeps its header section, Message-ID included; only the parts that stay are written out again (same content,
 * possibly other line wrapping of their transfer encoding).
 */
final class DraftContent {

    /** Raw MIME of at most this many bytes fits one request once base64 encoded. */
    static final long REQUEST_LIMIT = 3 * 1000 * 1000;

    /** An attachment that goes to the draft on its own. */
    record Attachment(String name, String contentType, String contentId, boolean inline, MimeBodyPart part) {

        InputStream open() throws MessagingException, IOException {
            return part.getInputStream();
        }

        /** The decoded size, read once through. */
        long size() throws MessagingException, IOException {
            try (InputStream in = open()) {
                return in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }
    }

    record Split(byte[] draft, List<Attachment> attachments) {
    }

    private DraftContent() {
    }

    static Split split(OutgoingMessage message, Session session, long limit) throws MessagingException, IOException {
        if (message.size() <= limit) {
            try (InputStream in = message.queuedBytes()) {
                return new Split(in.readAllBytes(), List.of());
            }
        }
        MimeMessage copy = new KeepingMessageId(session, message.queuedBytes());
        List<MimeBodyPart> candidates = new ArrayList<>();
        collect(copy.getContent(), candidates);
        candidates.sort(Comparator.comparingLong(DraftContent::encodedSize).reversed());
        long remaining = message.size();
        List<Attachment> taken = new ArrayList<>();
        for (MimeBodyPart part : candidates) {
            if (remaining <= limit) {
                break;
            }
            remaining -= encodedSize(part);
            taken.add(attachment(part));
            part.getParent().removeBodyPart(part);
        }
        copy.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, remaining + 4096));
        copy.writeTo(out);
        return new Split(out.toByteArray(), taken);
    }

    private static void collect(Object content, List<MimeBodyPart> candidates) throws MessagingException, IOException {
        if (!(content instanceof Multipart multipart)) {
            return;
        }
        for (int i = 0; i < multipart.getCount(); i++) {
            BodyPart part = multipart.getBodyPart(i);
            if (part.isMimeType("multipart/*")) {
                collect(part.getContent(), candidates);
            } else if (part instanceof MimeBodyPart mime && (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())
                    || part.getFileName() != null)) {
                candidates.add(mime);
            }
        }
    }

    private static Attachment attachment(MimeBodyPart part) throws MessagingException {
        String name = part.getFileName() != null ? part.getFileName() : "attachment";
        String type = new ContentType(part.getContentType()).getBaseType();
        String contentId = part.getContentID() == null ? null : part.getContentID().replaceAll("^<|>$", "");
        return new Attachment(name, type, contentId, Part.INLINE.equalsIgnoreCase(part.getDisposition()), part);
    }

    private static long encodedSize(MimeBodyPart part) {
        try {
            return Math.max(0, part.getSize());
        } catch (MessagingException e) {
            return 0;
        }
    }

    /** Saving the cut message must not give it a new Message-ID: it is still the message the sender queued. */
    private static final class KeepingMessageId extends MimeMessage {
        KeepingMessageId(Session session, InputStream in) throws MessagingException {
            super(session, in);
        }

        @Override
        protected void updateMessageID() {
        }
    }
}
