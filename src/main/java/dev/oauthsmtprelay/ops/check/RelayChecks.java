package dev.oauthsmtprelay.ops.check;

import java.util.ArrayList;
import java.util.List;

/** Every check, in the order an administrator fixes things: configuration first, the hub last. */
public final class RelayChecks {

    private RelayChecks() {
    }

    /** The checks of the relay as a whole. */
    public static List<RelayCheck> relay() {
        return List.of(new ConfigurationCheck(), new DirectoriesCheck(), new ListenerCheck(), new CredentialsFileCheck());
    }

    /** The checks each account gets, on its own when the relay has several. */
    public static List<RelayCheck> account() {
        return List.of(new CredentialExpiryCheck(), new ClockCheck(), new TokenCheck(), new HubConnectionCheck(),
                new XOAuth2LoginCheck(), new GraphMailboxCheck());
    }

    public static List<CheckResult> run(CheckContext context) {
        List<CheckResult> results = new ArrayList<>();
        for (RelayCheck check : relay()) {
            results.addAll(run(check, context));
        }
        for (CheckContext account : context.perAccount()) {
            String prefix = account.account().map(a -> "account " + a.name() + ": ").orElse("");
            for (RelayCheck check : account()) {
                run(check, account).forEach(r -> results.add(new CheckResult(r.status(), prefix + r.subject(),
                        r.detail(), r.fix())));
            }
        }
        return results;
    }

    private static List<CheckResult> run(RelayCheck check, CheckContext context) {
        try {
            return check.run(context);
        } catch (RuntimeException e) {
            return List.of(CheckResult.fail(check.getClass().getSimpleName(), "the check itself failed: " + e,
                    "Report this as a bug with the output of check."));
        }
    }

    /** 0 when everything passed, 1 when anything failed, 2 when there are warnings only. */
    public static int exitStatus(List<CheckResult> results) {
        if (results.stream().anyMatch(r -> r.status() == CheckStatus.FAIL)) {
            return 1;
        }
        return results.stream().anyMatch(r -> r.status() == CheckStatus.WARN) ? 2 : 0;
    }
}
