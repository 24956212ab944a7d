package dev.oauthsmtprelay.ops.check;

import java.util.List;

/**
 * One thing {@code check} verifies. A check whose prerequisite is broken (say, the credentials
 * file for the token check) returns no result: the check that owns the prerequisite already
 * reported it with its fix.
 */
public interface RelayCheck {

    List<CheckResult> run(CheckContext context);
}
