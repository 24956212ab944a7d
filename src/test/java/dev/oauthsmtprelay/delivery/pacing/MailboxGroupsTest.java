package dev.oauthsmtprelay.delivery.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.oauthsmtprelay.delivery.sender.SenderResolver;
import dev.oauthsmtprelay.delivery.sender.UserMapping;
import dev.oauthsmtprelay.message.QueuedMessage;

/** The group is the mailbox that will send, after relay.users and the alias domain, not the envelope sender. */
class MailboxGroupsTest {

    private static final SenderResolver SENDERS = new SenderResolver(UserMapping.parse(List.of(
            "QSYSOPR = operator@example.com", "QPGMR = operator@example.com"), Path.of("users.properties"),
            "example.com"), "example.com", null);

    private static Exchange from(String mailFrom) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setHeader(QueuedMessage.MAIL_FROM, mailFrom);
        exchange.getIn().setHeader(MailboxGroups.GROUP_ID, "a-group-the-sender-set");
        return exchange;
    }

    private static Object groupOf(MailboxGroups groups, String mailFrom) {
        Exchange exchange = from(mailFrom);
        groups.process(exchange);
        return exchange.getIn().getHeader(MailboxGroups.GROUP_ID);
    }

    @Test
    void local_senders_mapped_to_one_mailbox_share_its_group() {
        MailboxGroups groups = new MailboxGroups(SENDERS, true);

        assertThat(groupOf(groups, "QSYSOPR")).isEqualTo("operator@example.com");
        assertThat(groupOf(groups, "qpgmr@ibmi.local")).isEqualTo("operator@example.com");
        assertThat(groupOf(groups, "Operator@Example.COM")).isEqualTo("operator@example.com");
        assertThat(groupOf(groups, "billing@example.com")).isEqualTo("billing@example.com");
    }

    @Test
    void a_sender_with_no_mailbox_and_groups_turned_off_carry_no_group() {
        assertThat(groupOf(new MailboxGroups(SENDERS, true), "someone@elsewhere.test")).isNull();
        assertThat(groupOf(new MailboxGroups(SENDERS, false), "billing@example.com")).isNull();
    }
}
