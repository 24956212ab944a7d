package dev.oauthsmtprelay.deadletter.digest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.deadletter.DeadLetterStore;
import dev.oauthsmtprelay.deadletter.DeadLetterSummary;
import dev.oauthsmtprelay.message.AtomicFiles;
import dev.oauthsmtprelay.message.RelayIds;

/**
 * Mails the administrator ({@code relay.admin-address}) a list of the dead letters filed since the
 * previous digest, through the relay itself: the digest is written into the spool like any other
 * message. Nothing is written when there is nothing new. The first digest after a start covers the
 * last 24 hours.
 */
public final class DeadLetterDigest implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDigest.class);
    private static final Duration FIRST_WINDOW = Duration.ofHours(24);

    private final DeadLetterStore deadLetters;
    private final Path spoolDir;
    private final String from;
    private final String adminAddress;
    private final Clock clock;
    private Instant since;

    public DeadLetterDigest(DeadLetterStore deadLetters, Path spoolDir, String from, String adminAddress, Clock clock) {
        this.deadLetters = deadLetters;
        this.spoolDir = spoolDir;
        this.from = from;
        this.adminAddress = adminAddress;
        this.clock = clock;
        this.since = clock.instant().minus(FIRST_WINDOW);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        run();
    }

    /** @return the spool file written, or null when there were no new dead letters */
    public synchronized Path run() throws IOException, MessagingException {
        Instant now = clock.instant();
        List<DeadLetterSummary> fresh = deadLetters.list().stream()
                .filter(letter -> letter.lastAttempt().isAfter(since)).toList();
        if (fresh.isEmpty()) {
            since = now;
            return null;
        }
        byte[] mime = compose(fresh, now);
        Path target = spoolDir.resolve("deadletter-digest-" + RelayIds.next(clock) + ".eml");
        AtomicFiles.write(target, mime);
        since = now;
        LOG.info("Dead letter digest for {} ({} new dead letter(s)) queued as {}", adminAddress, fresh.size(), target);
        return target;
    }

    private byte[] compose(List<DeadLetterSummary> letters, Instant now) throws MessagingException, IOException {
        StringBuilder text = new StringBuilder();
        text.append(letters.size()).append(" message(s) could not be delivered since ").append(since)
                .append(".\nThey are kept in ").append(deadLetters.directory().toAbsolutePath())
                .append(". On the relay: 'dead-letter show ID' for details, 'dead-letter retry ID' after fixing the cause.\n");
        for (DeadLetterSummary letter : letters) {
            text.append("\n").append(letter.id())
                    .append("\n  failed:     ").append(letter.lastAttempt())
                    .append("\n  sender:     ").append(letter.senderMailbox() != null ? letter.senderMailbox()
                            : letter.mailFrom().isEmpty() ? "(none)" : letter.mailFrom())
                    .append("\n  recipients: ").append(String.join(", ", letter.recipients()))
                    .append("\n  reason:     ").append(letter.reason().replaceAll("\\s*\\R\\s*", " "))
                    .append("\n");
        }
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(adminAddress));
        message.setSubject("oauth-smtp-relay: " + letters.size() + " undelivered message(s)", "UTF-8");
        message.setSentDate(Date.from(now));
        message.setText(text.toString(), "UTF-8");
        message.saveChanges();
        // The spool intake gives it a Message-ID in the alias domain; Jakarta Mail's would name this host.
        message.removeHeader("Message-ID");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }
}
