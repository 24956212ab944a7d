package dev.oauthsmtprelay.ops.check;

import java.util.ArrayList;
import java.util.List;

import dev.oauthsmtprelay.config.RelayKeys;
import dev.oauthsmtprelay.credentials.CredentialsCheck;
import dev.oauthsmtprelay.credentials.Finding;
import dev.oauthsmtprelay.credentials.InvalidCredentialsException;

/** The credentials file as {@link dev.oauthsmtprelay.credentials.CredentialsFileReader} judges it. */
final class CredentialsFileCheck implements RelayCheck {

    @Override
    public List<CheckResult> run(CheckContext context) {
        if (context.settings().text(RelayKeys.CREDENTIALS).isEmpty()
                || context.settings().text(RelayKeys.ALIAS_DOMAIN).isEmpty()) {
            return List.of(); // reported by the configuration check
        }
        String subject = "credentials " + context.settings().credentialsFile();
        List<CheckResult> results = new ArrayList<>();
        RuntimeException error = context.credentials().error().orElse(null);
        if (error instanceof InvalidCredentialsException invalid) {
            for (Finding finding : invalid.findings()) {
                results.add(result(subject, finding));
            }
            return results;
        }
        if (error != null) {
            return List.of(CheckResult.fail(subject, error.getMessage(), "Correct the file named above."));
        }
        CredentialsCheck check = context.credentials().get().orElseThrow();
        results.add(CheckResult.pass(subject, check.credentials().provider().displayName() + " credentials for "
                + check.credentials().clientId() + ", domain " + check.credentials().domain()
                + " = relay.alias-domain, token endpoint " + check.credentials().tokenEndpoint()));
        check.warnings().forEach(warning -> results.add(result(subject, warning)));
        return results;
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
