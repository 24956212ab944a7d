package dev.oauthsmtprelay.ops.check;

/** Outcome of one check; the command's exit status is 0 (all PASS), 1 (any FAIL) or 2 (WARN only). */
public enum CheckStatus {
    PASS, WARN, FAIL
}
