package dev.oauthsmtprelay.ops.check;

import java.util.ArrayList;
import java.util.List;

/** Every check, in the order an administrator fixes things: configuration first, the hub last. */
public final class RelayChecks {

    private RelayChecks() {
    }

    public static List<RelayCheck> all() {
        return List.of(new ConfigurationCheck(), new DirectoriesCheck(), new ListenerCheck(), new CredentialsFileCheck(),
                new CredentialExpiryCheck(),
                new ClockCheck(),
                new TokenCheck(), new HubConnectionCheck(), new XOAuth2LoginCheck(), new GraphMailboxCheck());
    }

    public static List<CheckResult> run(CheckContext context) {
        List<CheckResult> results = new ArrayList<>();
        for (RelayCheck check : all()) {
            try {
                results.addAll(check.run(context));
            } catch (RuntimeException e) {
                results.add(CheckResult.fail(check.getClass().getSimpleName(), "the check itself failed: " + e,
                        "Report this as a bug with the output of check."));
            }
        }
        return results;
    }

    /** 0 when everything passed, 1 when anything failed, 2 when there are warnings only. */
    public static int exitStatus(List<CheckResult> results) {
        if (results.stream().anyMatch(r -> r.status() == CheckStatus.FAIL)) {
            return 1;
        }
        return results.stream().anyMatch(r -> r.status() == CheckStatus.WARN) ? 2 : 0;
    }
}
