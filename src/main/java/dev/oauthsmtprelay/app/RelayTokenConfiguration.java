package dev.oauthsmtprelay.app;

import java.time.Clock;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/**
 * Only the token service, for applications that send with their own {@code smtp:} endpoints:
 * reads {@code relay.credentials} and {@code relay.alias-domain} and binds
 * {@value RelayCamelConfiguration#TOKEN_SERVICE_BEAN}, for use with
 * {@link dev.oauthsmtprelay.delivery.smtp.XOAuth2Authenticator}. Starts no broker and adds no routes.
 */
public class RelayTokenConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        RelayEnvironment environment = RelayEnvironment.from(context, Clock.systemUTC());
        context.getRegistry().bind(RelayCamelConfiguration.TOKEN_SERVICE_BEAN, environment.tokenService());
    }
}
