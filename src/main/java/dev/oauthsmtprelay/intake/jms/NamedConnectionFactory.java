package dev.oauthsmtprelay.intake.jms;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import org.apache.camel.CamelContext;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * The intake broker's connection factory named by {@code relay.jms.connection-factory}, looked up in the Camel
 * registry when the intake first connects: beans that camel-main binds from {@code camel.beans.*} are then found
 * whatever the order of configuration.
 */
public final class NamedConnectionFactory implements ConnectionFactory {

    private final CamelContext context;
    private final String name;

    public NamedConnectionFactory(CamelContext context, String name) {
        this.context = context;
        this.name = name;
    }

    private ConnectionFactory factory() throws JMSException {
        ConnectionFactory factory = context.getRegistry().lookupByNameAndType(name, ConnectionFactory.class);
        if (factory == null) {
            throw new JMSException("No JMS connection factory named " + name + " in the registry; bind one with "
                    + "camel.beans." + name + "=... or correct " + RelayKeys.JMS_CONNECTION_FACTORY);
        }
        return factory;
    }

    @Override
    public Connection createConnection() throws JMSException {
        return factory().createConnection();
    }

    @Override
    public Connection createConnection(String user, String password) throws JMSException {
        return factory().createConnection(user, password);
    }

    @Override
    public JMSContext createContext() {
        return lookupForContext().createContext();
    }

    @Override
    public JMSContext createContext(String user, String password) {
        return lookupForContext().createContext(user, password);
    }

    @Override
    public JMSContext createContext(String user, String password, int sessionMode) {
        return lookupForContext().createContext(user, password, sessionMode);
    }

    @Override
    public JMSContext createContext(int sessionMode) {
        return lookupForContext().createContext(sessionMode);
    }

    private ConnectionFactory lookupForContext() {
        try {
            return factory();
        } catch (JMSException e) {
            throw new jakarta.jms.JMSRuntimeException(e.getMessage());
        }
    }
}
