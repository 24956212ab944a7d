package dev.oauthsmtprelay.credentials;

import java.net.URI;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;

/**
 * A Google service-account key file (as downloaded) plus the administrator's {@code domain}.
 *
 * @param tokenUri      the file's {@code token_uri}: the JWT audience Google expects
 * @param tokenEndpoint where requests are sent: {@code token_endpoint} when given, else {@code token_uri}
 */
public record GoogleServiceAccount(
        Path source,
        String clientEmail,
        String clientId,
        String privateKeyId,
        RSAPrivateKey privateKey,
        URI tokenUri,
        URI tokenEndpoint,
        String domain) implements ProviderCredentials {

    @Override
    public Provider provider() {
        return Provider.GOOGLE;
    }

    @Override
    public String toString() {
        return "GoogleServiceAccount[" + clientEmail + " from " + source + ", private key hidden]";
    }
}
