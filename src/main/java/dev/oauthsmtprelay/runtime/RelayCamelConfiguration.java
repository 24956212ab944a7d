package dev.oauthsmtprelay.runtime;

import java.time.Clock;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.credentials.Finding;

/**
 * Sets the relay up inside a Camel context: validates the configuration and credentials, then
 * binds the token service as {@value #TOKEN_SERVICE_BEAN}.
 */
public class RelayCamelConfiguration implements CamelConfiguration {

    public static final String TOKEN_SERVICE_BEAN = "relayTokenService";
    private static final Logger LOG = LoggerFactory.getLogger(RelayCamelConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        RelayEnvironment environment = RelayEnvironment.from(context, Clock.systemUTC());
        for (Finding warning : environment.credentials().warnings()) {
            LOG.warn("Credentials {}: {}{}", environment.credentials().credentials().source(),
                    warning.field() == null ? "" : "\"" + warning.field() + "\" ", warning.message());
        }
        context.getRegistry().bind(TOKEN_SERVICE_BEAN, environment.tokenService());
        LOG.info("Tokens from {}; relaying for domain {} through {}", environment.tokenService().client().describe(),
                environment.settings().aliasDomain(), environment.smtpHost());
    }
}
