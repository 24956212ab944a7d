package dev.oauthsmtprelay.oauth;

import java.util.Locale;

import com.nimbusds.oauth2.sdk.ErrorObject;

import dev.oauthsmtprelay.credentials.GoogleServiceAccount;
import dev.oauthsmtprelay.credentials.Provider;

/** Google's token endpoint errors, explained for a Workspace administrator. */
final class GoogleErrors {

    private final GoogleServiceAccount account;

    GoogleErrors(GoogleServiceAccount account) {
        this.account = account;
    }

    TokenException explain(ErrorObject error, String mailbox) {
        String code = error.getCode() == null ? "unknown_error" : error.getCode();
        String description = error.getDescription() == null ? "" : error.getDescription().toLowerCase(Locale.ROOT);
        String said = ProviderErrors.providerSays(error);
        if (code.equals("unauthorized_client")) {
            return TokenException.configuration(code, "Google refused to issue a token for " + mailbox
                    + ": domain-wide delegation is not granted to client ID " + account.clientId() + " ("
                    + account.clientEmail() + ") for scope " + Provider.GOOGLE.smtpScope() + ". In the Google Admin "
                    + "console open Security → Access and data control → API controls → Manage Domain Wide Delegation, "
                    + "add client ID " + account.clientId() + " with scope " + Provider.GOOGLE.smtpScope()
                    + " (changes can take minutes to hours to apply)." + said);
        }
        if (code.equals("invalid_grant")) {
            if (description.contains("invalid email") || description.contains("user id")
                    || description.contains("not a valid email")) {
                return TokenException.mailbox(code, "Google refused to issue a token for " + mailbox
                        + ": it is not a user of the Workspace domain (a group, an alias or a mistyped address "
                        + "cannot be impersonated). Map this sender to a real mailbox in relay.users, or set "
                        + "relay.default-sender to one." + said);
            }
            if (description.contains("signature")) {
                return TokenException.configuration(code, "Google rejected the signature of the token request: "
                        + "the key " + account.privateKeyId() + " in " + account.source() + " is no longer valid for "
                        + account.clientEmail() + " (deleted, disabled, or the file was edited). Create a new JSON key "
                        + "for the service account and use that file unchanged, plus the \"domain\" field." + said);
            }
            if (description.contains("iat") || description.contains("exp") || description.contains("timeframe")) {
                return TokenException.configuration(code, "Google rejected the token request's time stamps: this "
                        + "machine's clock is probably wrong. Synchronise it with NTP (the relay signs its requests "
                        + "with the local time; a few minutes of skew is enough to fail)." + said);
            }
            if (description.contains("account not found") || description.contains("disabled")) {
                return TokenException.configuration(code, "Google does not know the service account "
                        + account.clientEmail() + " any more (deleted or disabled). Re-enable it or create a new "
                        + "service account and key." + said);
            }
        }
        if (code.equals("invalid_client")) {
            return TokenException.configuration(code, "Google does not accept the service account "
                    + account.clientEmail() + " of " + account.source() + ". Check that the file is the key as "
                    + "downloaded and that the service account still exists." + said);
        }
        if (code.equals("invalid_scope")) {
            return TokenException.configuration(code, "Google refused the scope " + Provider.GOOGLE.smtpScope()
                    + ". Grant exactly this scope to client ID " + account.clientId()
                    + " under domain-wide delegation." + said);
        }
        return TokenException.configuration(code, "Google refused to issue a token for " + mailbox + "." + said);
    }
}
