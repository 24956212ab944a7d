package dev.oauthsmtprelay.ops.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.credentials.Account;
import dev.oauthsmtprelay.credentials.Accounts;
import dev.oauthsmtprelay.credentials.CredentialsFileReader;
import dev.oauthsmtprelay.credentials.Finding;
import dev.oauthsmtprelay.credentials.InvalidCredentialsException;

/** Each credentials file as {@link CredentialsFileReader} judges it, and the accounts they make together. */
final class CredentialsFileCheck implements RelayCheck {

    @Override
    public List<CheckResult> run(CheckContext context) {
        if (context.settings().text(RelayKeys.CREDENTIALS).isEmpty()
                || context.settings().text(RelayKeys.ALIAS_DOMAIN).isEmpty()) {
            return List.of(); // reported by the configuration check
        }
        List<CheckResult> results = new ArrayList<>();
        RuntimeException error = context.accounts().error().orElse(null);
        if (error != null) {
            List<Path> files;
            try {
                files = context.settings().credentialsFiles();
            } catch (ConfigurationException e) {
                return List.of(CheckResult.fail("credentials", e.getMessage(), "Correct " + RelayKeys.CREDENTIALS + "."));
            }
            if (files.size() > 1) {
                results.addAll(eachFile(context, files));
            }
            if (results.stream().noneMatch(r -> r.status() == CheckStatus.FAIL)) {
                results.addAll(failure(error));
            }
            return results;
        }
        Accounts accounts = context.accounts().get().orElseThrow();
        for (Account account : accounts.all()) {
            String subject = "credentials " + account.source();
            results.add(CheckResult.pass(subject, account.credentials().provider().displayName() + " credentials for "
                    + account.credentials().clientId() + (accounts.several() ? ", account " + account.name() : "")
                    + ", " + domains(account, context.settings().aliasDomain()) + ", token endpoint "
                    + account.credentials().tokenEndpoint()));
            account.check().warnings().forEach(warning -> results.add(result(subject, warning)));
        }
        return results;
    }

    private static String domains(Account account, String aliasDomain) {
        String list = String.join(", ", account.domains().stream()
                .map(d -> d.equals(aliasDomain) ? d + " = relay.alias-domain" : d).toList());
        return (account.domains().size() == 1 ? "domain " : "domains ") + list;
    }

    /** With several files, every unusable one is reported, not just the first. */
    private static List<CheckResult> eachFile(CheckContext context, List<Path> files) {
        CredentialsFileReader reader = new CredentialsFileReader(
                context.settings().get(RelayKeys.CREDENTIALS_STRICT_PERMISSIONS));
        List<CheckResult> results = new ArrayList<>();
        for (Path file : files) {
            try {
                reader.readAccount(file, null);
            } catch (InvalidCredentialsException invalid) {
                results.addAll(findings(invalid));
            }
        }
        return results;
    }

    private static List<CheckResult> failure(RuntimeException error) {
        if (error instanceof InvalidCredentialsException invalid) {
            return findings(invalid);
        }
        return List.of(CheckResult.fail("credentials", error.getMessage(), "Correct " + RelayKeys.CREDENTIALS + ", "
                + RelayKeys.ALIAS_DOMAIN + " or the files' \"domains\" as the message says."));
    }

    private static List<CheckResult> findings(InvalidCredentialsException invalid) {
        String subject = "credentials " + invalid.file();
        return invalid.findings().stream().map(f -> result(subject, f)).toList();
    }

    /** The reader's messages say what is wrong, then (after the first ". " or ": ") how to fix it. */
    private static CheckResult result(String subject, Finding finding) {
        String where = finding.field() == null ? subject : subject + " \"" + finding.field() + "\"";
        String message = finding.message();
        int sentence = message.indexOf(". ");
        int colon = message.indexOf(": ");
        int cut = sentence < 0 ? colon : colon < 0 ? sentence : Math.min(sentence, colon);
        String detail = cut < 0 ? message : message.substring(0, cut);
        String fix = cut < 0 ? message : message.substring(cut + 2);
        return finding.isError() ? CheckResult.fail(where, detail, fix) : CheckResult.warn(where, detail, fix);
    }
}
