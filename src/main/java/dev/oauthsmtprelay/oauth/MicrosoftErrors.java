package dev.oauthsmtprelay.oauth;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.oauth2.sdk.ErrorObject;

import dev.oauthsmtprelay.credentials.MicrosoftApp;
import dev.oauthsmtprelay.credentials.Provider;

/** Microsoft Entra (AADSTS) token errors, explained for a Microsoft 365 administrator. */
final class MicrosoftErrors implements ProviderErrors {

    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");

    private final MicrosoftApp app;

    MicrosoftErrors(MicrosoftApp app) {
        this.app = app;
    }

    @Override
    public TokenException explain(ErrorObject error) {
        String code = error.getCode() == null ? "unknown_error" : error.getCode();
        String said = ProviderErrors.providerSays(error);
        String aadsts = aadsts(error.getDescription());
        String fix = switch (aadsts) {
            case "7000215" -> "the client secret is wrong. In Microsoft Entra → App registrations → " + app.clientId()
                    + " → Certificates & secrets, copy the secret's Value (not its Secret ID) into client_secret of "
                    + app.source() + ".";
            case "7000222" -> "the client secret has expired. Create a new client secret for app " + app.clientId()
                    + " (Certificates & secrets → New client secret) and put its Value into client_secret of "
                    + app.source() + ".";
            case "700016" -> "application " + app.clientId() + " is not registered in tenant " + app.tenantId()
                    + ". Check client_id and tenant_id in " + app.source()
                    + " against the app registration's Overview page.";
            case "90002", "900023" -> "tenant " + app.tenantId() + " does not exist at " + app.tokenEndpoint()
                    + ". Check tenant_id (the Directory (tenant) ID) in " + app.source()
                    + "; for a national cloud set token_endpoint to that cloud's authority.";
            case "70011", "1002012" -> scopeFix();
            default -> code.equals("invalid_scope") ? scopeFix() : null;
        };
        if (fix == null) {
            return TokenException.configuration(code, "Microsoft Entra refused to issue a token for app "
                    + app.clientId() + " in tenant " + app.tenantId() + "." + said);
        }
        return TokenException.configuration(aadsts.isEmpty() ? code : "AADSTS" + aadsts,
                "Microsoft Entra refused to issue a token: " + fix + said);
    }

    private String scopeFix() {
        return "the scope \"" + app.scope() + "\" is not valid for SMTP. Set \"scope\": \""
                + Provider.MICROSOFT.smtpScope() + "\" in " + app.source() + ".";
    }

    private static String aadsts(String description) {
        if (description == null) {
            return "";
        }
        Matcher m = AADSTS.matcher(description);
        return m.find() ? m.group(1) : "";
    }
}
