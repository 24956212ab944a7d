package dev.oauthsmtprelay.intake.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/** Sample inputs and byte-level helpers shared by the intake tests. */
final class MimeSamples {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-02T08:15:30Z"), ZoneOffset.UTC);
    static final String CLOCK_DATE = "Tue, 2 Jun 2026 08:15:30 +0000";

    private MimeSamples() {
    }

    static byte[] resource(String name) {
        try (InputStream in = MimeSamples.class.getResourceAsStream("/intake/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /intake/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Joins lines with CRLF, the line ending SMTP uses. */
    static byte[] crlf(String... lines) {
        return (String.join("\r\n", lines)).getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Everything from the blank line that ends the header section, found independently of the parser. */
    static byte[] fromBlankLine(byte[] message) {
        int crlf = indexOf(message, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        int lf = indexOf(message, "\n\n".getBytes(StandardCharsets.US_ASCII));
        int start = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 2 : lf + 1;
        return Arrays.copyOfRange(message, start, message.length);
    }

    static String headerSection(byte[] message) {
        byte[] rest = fromBlankLine(message);
        return new String(message, 0, message.length - rest.length, StandardCharsets.UTF_8);
    }

    static MimeMessage reparse(byte[] mime) {
        try {
            return new MimeMessage(Session.getInstance(new Properties()), new java.io.ByteArrayInputStream(mime));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
