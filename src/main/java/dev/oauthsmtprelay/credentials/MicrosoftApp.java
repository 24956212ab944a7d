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
        String domain,
        Transport transport,
        URI graphEndpoint) implements ProviderCredentials {

    public static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    public static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";
    public static final URI DEFAULT_GRAPH_ENDPOINT = URI.create("https://graph.microsoft.com/v1.0");

    /** How mail from this application's mailboxes leaves: the file's {@code "transport"}. */
    public enum Transport {
        /** SMTP AUTH with XOAUTH2 to smtp.office365.com (the default). */
        SMTP,
        /** Microsoft Graph {@code sendMail}, where SMTP AUTH is off. */
        GRAPH
    }

    /** An application that sends over SMTP. */
    public MicrosoftApp(Path source, String tenantId, String clientId, MicrosoftClientAuth clientAuth, String scope,
                        URI tokenEndpoint, String domain) {
        this(source, tenantId, clientId, clientAuth, scope, tokenEndpoint, domain, Transport.SMTP, null);
    }

    /** An application that authenticates with a client secret of unknown expiry. */
    public MicrosoftApp(Path source, String tenantId, String clientId, String clientSecret, String scope,
                        URI tokenEndpoint, String domain) {
        this(source, tenantId, clientId, new MicrosoftClientAuth.ClientSecret(clientSecret, null), scope,
                tokenEndpoint, domain, Transport.SMTP, null);
    }

    @Override
    public Provider provider() {
        return Provider.MICROSOFT;
    }

    @Override
    public String toString() {
        return "MicrosoftApp[client " + clientId + " in tenant " + tenantId + " from " + source + ", "
                + clientAuth.describe() + (transport == Transport.GRAPH ? ", Graph " + graphEndpoint : "") + "]";
    }
}
