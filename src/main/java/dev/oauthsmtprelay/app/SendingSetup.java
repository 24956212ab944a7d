package dev.oauthsmtprelay.app;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;

import dev.oauthsmtprelay.credentials.Account;
import dev.oauthsmtprelay.delivery.SendingAccounts;
import dev.oauthsmtprelay.delivery.graph.GraphClient;
import dev.oauthsmtprelay.delivery.smtp.SmtpClient;
import dev.oauthsmtprelay.delivery.smtp.SmtpConnectionPool;
import dev.oauthsmtprelay.delivery.smtp.SmtpPoolSettings;

/**
 * Each account's transport: an SMTP client with its own hub, connection pool and token service, and a Graph client
 * when its file selects Graph. The pools are context services, so the hub connections close when the context stops.
 */
public final class SendingSetup {

    private SendingSetup() {
    }

    static SendingAccounts install(CamelContext context, RelayEnvironment environment, Clock clock) {
        return build(environment, clock, pool -> {
            try {
                context.addService(pool, true, true);
            } catch (Exception e) {
                throw new IllegalStateException("cannot add the SMTP connection pool to the Camel context", e);
            }
        });
    }

    /** @param pools told of each account's connection pool, which its owner closes */
    public static SendingAccounts build(RelayEnvironment environment, Clock clock, Consumer<SmtpConnectionPool> pools) {
        List<SendingAccounts.Sending> sendings = new ArrayList<>();
        for (Account account : environment.accounts().all()) {
            SmtpConnectionPool pool = new SmtpConnectionPool(SmtpPoolSettings.from(environment.settings()), clock);
            pools.accept(pool);
            SmtpClient client = new SmtpClient(environment.smtpSettings(account), environment.tokenService(account),
                    pool, clock);
            Optional<GraphClient> graph = GraphSetup.client(environment, account, client.session(), clock);
            sendings.add(new SendingAccounts.Sending(account, client, graph,
                    ProviderLimits.recipientsPerTransaction(environment.settings(), account.credentials().provider())));
        }
        return new SendingAccounts(environment.accounts(), sendings);
    }

    static List<GraphClient> graphClients(SendingAccounts accounts) {
        return accounts.all().stream().flatMap(s -> s.graph().stream()).toList();
    }

    /** For the start-up line: where each account sends, and where its tokens come from. */
    static String describe(SendingAccounts accounts, RelayEnvironment environment) {
        return accounts.all().stream().map(s -> (accounts.accounts().several() ? s.account().describe() + " to " : "")
                        + s.graph().map(g -> g.settings().describe()).orElse(s.smtp().settings().describe())
                        + "; tokens from " + environment.tokenService(s.account()).client().describe())
                .collect(Collectors.joining("; "));
    }
}
