package dev.oauthsmtprelay.oauth;

import com.nimbusds.oauth2.sdk.ErrorObject;

/** Turns a provider's OAuth error response into a message that says what to fix. */
interface ProviderErrors {

    TokenException explain(ErrorObject error);

    static String providerSays(ErrorObject error) {
        String description = error.getDescription();
        return " (provider said: " + error.getCode()
                + (description == null || description.isBlank() ? "" : " — " + firstLine(description)) + ")";
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line.trim();
    }
}
