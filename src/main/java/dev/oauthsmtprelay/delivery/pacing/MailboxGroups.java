package dev.oauthsmtprelay.delivery.pacing;

import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.oauthsmtprelay.delivery.sender.SenderResolver;
import dev.oauthsmtprelay.message.QueuedMessage;

/**
 * The intake routes' step before the delivery queue: puts the message into the Artemis message group of its sender
 * mailbox ({@value #GROUP_ID}), so the broker hands all of that mailbox's mail to one consumer at a time, in one relay
 * instance, however many instances share the broker. That instance's pacing, daily count and connection cap are then
 * the mailbox's, not a share of them. When a consumer closes (its relay stops), the broker gives its groups to others.
 * Turned off, an incoming group id is removed, so a sender's JMS groups never pin delivery.
 */
public final class MailboxGroups implements Processor {

    /** The JMS property Artemis groups by; camel-jms maps the header of this name to it and back. */
    public static final String GROUP_ID = "JMSXGroupID";

    private final SenderResolver senders;
    private final boolean enabled;

    public MailboxGroups(SenderResolver senders, boolean enabled) {
        this.senders = senders;
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getIn();
        String mailbox = enabled ? senders.resolve(QueuedMessage.mailFrom(in)).mailbox().orElse(null) : null;
        if (mailbox == null) {
            in.removeHeader(GROUP_ID); // no mailbox: preparation makes it a dead letter, wherever it is taken
        } else {
            in.setHeader(GROUP_ID, mailbox.toLowerCase(Locale.ROOT));
        }
    }
}
