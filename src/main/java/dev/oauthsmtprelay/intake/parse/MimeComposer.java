package dev.oauthsmtprelay.intake.parse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.activation.DataHandler;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentDisposition;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.util.ByteArrayDataSource;

import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * Writes a validated {@link JsonMessage} as MIME with jakarta.mail: text and html become
 * multipart/alternative, attachments multipart/mixed, non-ASCII text is encoded as UTF-8.
 * Bcc is never written; those recipients travel in the envelope only.
 */
final class MimeComposer {

    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private final Session session = Session.getInstance(new Properties());
    private final GeneratedHeaders generated;

    MimeComposer(GeneratedHeaders generated) {
        this.generated = generated;
    }

    byte[] compose(JsonMessage message) throws InvalidMessageException {
        try {
            MimeMessage mime = new RelayMimeMessage(session, generated);
            mime.setFrom(utf8(message.from()));
            setAddresses(mime, "To", message.to());
            setAddresses(mime, "Cc", message.cc());
            setAddresses(mime, "Reply-To", message.replyTo());
            if (message.subject() != null) {
                mime.setSubject(message.subject(), UTF_8);
            }
            for (Map.Entry<String, String> header : message.headers()) {
                String value = MimeUtility.encodeText(header.getValue(), UTF_8, null);
                mime.setHeader(header.getKey(), MimeUtility.fold(header.getKey().length() + 2, value));
            }
            if (mime.getHeader("Date") == null) {
                mime.setHeader("Date", generated.date());
            }
            setContent(mime, message);
            mime.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            mime.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            throw new InvalidMessageException("the message cannot be written as MIME: " + e.getMessage()
                    + "; check the values of the JSON message", e);
        }
    }

    private static void setContent(MimeMessage mime, JsonMessage message) throws MessagingException {
        if (message.attachments().isEmpty()) {
            setBody(mime, message.text(), message.html());
            return;
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        if (message.text() != null || message.html() != null) {
            MimeBodyPart body = new MimeBodyPart();
            setBody(body, message.text(), message.html());
            mixed.addBodyPart(body);
        }
        for (Attachment attachment : message.attachments()) {
            mixed.addBodyPart(attachmentPart(attachment));
        }
        mime.setContent(mixed);
    }

    private static void setBody(MimePart part, String rawText, String rawHtml) throws MessagingException {
        String text = crlf(rawText);
        String html = crlf(rawHtml);
        if (text != null && html != null) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text, UTF_8);
            alternative.addBodyPart(plain);
            MimeBodyPart rich = new MimeBodyPart();
            rich.setText(html, UTF_8, "html");
            alternative.addBodyPart(rich);
            part.setContent(alternative);
        } else if (html != null) {
            part.setText(html, UTF_8, "html");
        } else {
            part.setText(text, UTF_8);
        }
    }

    /** SMTP lines end in CRLF; jakarta.mail writes text as given, so JSON's "\n" is converted here. */
    private static String crlf(String value) {
        return value == null ? null : value.replaceAll("\r\n|\r|\n", "\r\n");
    }

    private static MimeBodyPart attachmentPart(Attachment attachment) throws MessagingException {
        ContentType type = new ContentType(attachment.contentType());
        type.setParameterList(withFileName(type.getParameterList(), "name", attachment.filename()));
        ContentDisposition disposition = new ContentDisposition(MimeBodyPart.ATTACHMENT);
        disposition.setParameterList(withFileName(new ParameterList(), "filename", attachment.filename()));

        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.content(), type.toString())));
        part.setHeader("Content-Type", type.toString());
        part.setHeader("Content-Disposition", disposition.toString());
        // base64 always, so the receiver gets the file's exact bytes whatever its type.
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }

    /** RFC 2231 encodes a non-ASCII file name as UTF-8 (jakarta.mail would use the platform charset). */
    private static ParameterList withFileName(ParameterList parameters, String name, String fileName) {
        ParameterList list = parameters == null ? new ParameterList() : parameters;
        list.set(name, fileName, UTF_8);
        return list;
    }

    private static void setAddresses(MimeMessage mime, String header, List<InternetAddress> addresses)
            throws MessagingException, UnsupportedEncodingException {
        if (addresses.isEmpty()) {
            return;
        }
        InternetAddress[] encoded = new InternetAddress[addresses.size()];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = utf8(addresses.get(i));
        }
        switch (header) {
            case "To" -> mime.setRecipients(RecipientType.TO, encoded);
            case "Cc" -> mime.setRecipients(RecipientType.CC, encoded);
            default -> mime.setReplyTo(encoded);
        }
    }

    /** Re-creates the address so a non-ASCII display name is encoded as UTF-8, not the platform charset. */
    private static InternetAddress utf8(InternetAddress address) throws UnsupportedEncodingException {
        return new InternetAddress(address.getAddress(), address.getPersonal(), UTF_8);
    }

    /** Uses the relay's Message-ID form instead of jakarta.mail's, unless the producer set one. */
    private static final class RelayMimeMessage extends MimeMessage {

        private final GeneratedHeaders generated;

        RelayMimeMessage(Session session, GeneratedHeaders generated) {
            super(session);
            this.generated = generated;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (getHeader("Message-ID") == null) {
                setHeader("Message-ID", generated.messageId());
            }
        }
    }
}
