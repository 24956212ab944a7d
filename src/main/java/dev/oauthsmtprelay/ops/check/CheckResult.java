package dev.oauthsmtprelay.ops.check;

import java.util.Objects;

/**
 * One finding of a check.
 *
 * @param subject what was checked, e.g. "token for alice@example.com"
 * @param detail  what was found
 * @param fix     what to do about it; null for PASS
 */
public record CheckResult(CheckStatus status, String subject, String detail, String fix) {

    public CheckResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(subject, "subject");
        detail = detail == null ? "" : detail;
    }

    public static CheckResult pass(String subject, String detail) {
        return new CheckResult(CheckStatus.PASS, subject, detail, null);
    }

    public static CheckResult warn(String subject, String detail, String fix) {
        return new CheckResult(CheckStatus.WARN, subject, detail, fix);
    }

    public static CheckResult fail(String subject, String detail, String fix) {
        return new CheckResult(CheckStatus.FAIL, subject, detail, fix);
    }
}
