package dev.oauthsmtprelay.credentials;

import java.net.URI;
import java.nio.file.Path;

/** An Entra application registration used with the client credentials grant. */
public record MicrosoftApp(
        Path source,
        String tenantId,
        String clientId,
        MicrosoftClientAuth clientAuth,
        String scope,
        URI tokenEndpoint,
        String domain) implements ProviderCredentials {

    public static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";

    /** An application that authenticates with a client secret of unknown expiry. */
    public MicrosoftApp(Path source, String tenantId, String clientId, String clientSecret, String scope,
                        URI tokenEndpoint, String domain) {
        this(source, tenantId, clientId, new MicrosoftClientAuth.ClientSecret(clientSecret, null), scope,
                tokenEndpoint, domain);
    }

    @Override
    public Provider provider() {
        return Provider.MICROSOFT;
    }

    @Override
    public String toString() {
        return "MicrosoftApp[client " + clientId + " in tenant " + tenantId + " from " + source + ", "
                + clientAuth.describe() + "]";
    }
}
