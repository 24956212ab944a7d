package dev.oauthsmtprelay.intake.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.mail.internet.InternetAddress;

import dev.oauthsmtprelay.message.EnvelopeOverride;
import dev.oauthsmtprelay.message.InvalidMessageException;

/**
 * Works out MAIL FROM and RCPT TO of an RFC 5322 message, the way a submission server does:
 * the sender is From (or Sender when From is missing or names several mailboxes), the recipients
 * are To, Cc and Bcc. Address headers are checked even when the caller overrides the envelope,
 * because a malformed header is rejected by the provider later anyway.
 */
final class EnvelopeResolver {

    /** The From header's addresses, every field checked. */
    List<InternetAddress> from(RawHeaderSection headers) throws InvalidMessageException {
        return addresses(headers, "From");
    }

    /** @param from the From header's addresses, as {@link #from} read them */
    String mailFrom(RawHeaderSection headers, List<InternetAddress> from, EnvelopeOverride override)
            throws InvalidMessageException {
        List<InternetAddress> sender = addresses(headers, "Sender");
        if (sender.size() > 1) {
            throw new InvalidMessageException("several Sender addresses (" + joined(sender) + "): Sender names the "
                    + "one mailbox that sends; keep exactly one address in Sender");
        }
        if (override.hasMailFrom()) {
            return AddressParser.parseOne("the envelope sender given with the message", override.mailFrom()).getAddress();
        }
        if (from.size() == 1) {
            return from.get(0).getAddress();
        }
        if (!sender.isEmpty()) {
            return sender.get(0).getAddress();
        }
        if (from.isEmpty()) {
            throw new InvalidMessageException("no sender: the message has no From or Sender address; add a From: "
                    + "header with the mailbox that sends, e.g. From: billing@example.com");
        }
        throw new InvalidMessageException("several From addresses (" + joined(from) + ") and no Sender: the relay "
                + "cannot tell which mailbox sends; keep one From address or add a Sender: header with the "
                + "sending mailbox");
    }

    List<String> recipients(RawHeaderSection headers, EnvelopeOverride override) throws InvalidMessageException {
        List<String> recipients = new ArrayList<>();
        for (String name : List.of("To", "Cc", "Bcc")) {
            addresses(headers, name).forEach(address -> recipients.add(address.getAddress()));
        }
        if (override.hasRecipients()) {
            recipients.clear();
            for (String recipient : override.recipients()) {
                recipients.add(AddressParser.parseOne("the envelope recipients given with the message", recipient)
                        .getAddress());
            }
        } else if (!headers.fields(EnvelopeOverride.HEADER).isEmpty()) {
            recipients.clear();
            addresses(headers, EnvelopeOverride.HEADER).forEach(address -> recipients.add(address.getAddress()));
        }
        if (recipients.isEmpty()) {
            throw new InvalidMessageException("no recipient: the message has no To, Cc or Bcc address; add at "
                    + "least one recipient");
        }
        return recipients;
    }

    private static List<InternetAddress> addresses(RawHeaderSection headers, String name) throws InvalidMessageException {
        List<InternetAddress> addresses = new ArrayList<>();
        for (HeaderField field : headers.fields(name)) {
            addresses.addAll(AddressParser.parseList(name + " (header line " + field.lineNumber() + ")", field.value()));
        }
        return addresses;
    }

    private static String joined(List<InternetAddress> addresses) {
        return addresses.stream().map(InternetAddress::getAddress).collect(Collectors.joining(", "));
    }
}
