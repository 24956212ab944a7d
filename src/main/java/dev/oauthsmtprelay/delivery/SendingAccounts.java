package dev.oauthsmtprelay.delivery;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.oauthsmtprelay.credentials.Account;
import dev.oauthsmtprelay.credentials.Accounts;
import dev.oauthsmtprelay.delivery.graph.GraphClient;
import dev.oauthsmtprelay.delivery.smtp.SmtpClient;
import dev.oauthsmtprelay.delivery.transport.DeliveryFailure;
import dev.oauthsmtprelay.delivery.transport.DeliveryProbe;

/**
 * How each account sends: its SMTP client (its own hub, pool and tokens) and, when its file selects Graph, its Graph
 * client. A sender mailbox's domain picks the account ({@link Accounts#forMailbox}).
 */
public final class SendingAccounts implements DeliveryProbe {

    public static final String BEAN = "relaySendingAccounts";

    /** One account's transport. {@code graph} is present when the account sends through Microsoft Graph. */
    public record Sending(Account account, SmtpClient smtp, Optional<GraphClient> graph, int recipientsPerTransaction) {

        public String transport() {
            return graph.isPresent() ? DeliveryPreparation.GRAPH : DeliveryPreparation.SMTP;
        }
    }

    private final Accounts accounts;
    private final Map<String, Sending> byAccount;

    public SendingAccounts(Accounts accounts, List<Sending> sendings) {
        this.accounts = accounts;
        this.byAccount = sendings.stream().collect(Collectors.toUnmodifiableMap(s -> s.account().name(),
                Function.identity()));
        for (Account account : accounts.all()) {
            if (!byAccount.containsKey(account.name())) {
                throw new IllegalArgumentException("no transport for account " + account.name());
            }
        }
    }

    public Accounts accounts() {
        return accounts;
    }

    public Sending primary() {
        return byAccount.get(accounts.primary().name());
    }

    /** Every account's transport, in the order of relay.credentials. */
    public List<Sending> all() {
        return accounts.all().stream().map(a -> byAccount.get(a.name())).toList();
    }

    /** The transport of the account that serves the mailbox's domain; empty when none does. */
    public Optional<Sending> forMailbox(String mailbox) {
        return accounts.forMailbox(mailbox).map(a -> byAccount.get(a.name()));
    }

    /** The SMTP client for a prepared message's mailbox; the primary account's when no account serves it. */
    public SmtpClient smtpFor(String mailbox) {
        return forMailbox(mailbox).orElseGet(this::primary).smtp();
    }

    public Optional<GraphClient> graphFor(String mailbox) {
        return forMailbox(mailbox).flatMap(Sending::graph);
    }

    /** The account's name, for pausing an account; null when the relay has one account or none serves it. */
    public String accountNameOf(String mailbox) {
        return accounts.several() ? accounts.forMailbox(mailbox).map(Account::name).orElse(null) : null;
    }

    public String noAccountReason(String mailbox) {
        return accounts.noAccountReason(mailbox);
    }

    /**
     * Logs in as the mailbox through its account's transport, sending nothing; through the primary account's when no
     * account serves it (a pause before the mailbox was known), as the relay did with one account.
     */
    @Override
    public String probe(String mailbox) throws DeliveryFailure {
        Sending sending = forMailbox(mailbox).orElseGet(this::primary);
        return sending.graph().isPresent() ? sending.graph().get().probe(mailbox) : sending.smtp().probe(mailbox);
    }
}
