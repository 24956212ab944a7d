package dev.oauthsmtprelay.oauth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.util.URLUtils;

/**
 * Workload identity federation: an assertion issued by someone else (e.g. Kubernetes) stands in for the client
 * secret. Unlike Nimbus's {@code PrivateKeyJWT}, the request names the app in {@code client_id}, because the
 * assertion's issuer and subject are the external identity, not the app.
 */
final class FederatedClientAssertion extends ClientAuthentication {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final String assertion;

    FederatedClientAssertion(ClientID app, String assertion) {
        super(ClientAuthenticationMethod.PRIVATE_KEY_JWT, app);
        this.assertion = assertion;
    }

    @Override
    public Set<String> getFormParameterNames() {
        return Set.of("client_id", "client_assertion_type", "client_assertion");
    }

    @Override
    public void applyTo(HTTPRequest request) {
        Map<String, List<String>> form = new HashMap<>(URLUtils.parseParameters(request.getBody()));
        form.put("client_id", List.of(getClientID().getValue()));
        form.put("client_assertion_type", List.of(JWT_BEARER));
        form.put("client_assertion", List.of(assertion));
        request.setBody(URLUtils.serializeParameters(form));
    }
}
