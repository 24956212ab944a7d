package dev.oauthsmtprelay.queue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Set;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * Accepts exactly one user name and password (the relay's {@code relay.broker.user}/{@code password}) and grants
 * that user everything. Used by the embedded broker when credentials are configured, so a broker opened to other
 * relay instances with {@code relay.broker.listen} is not an open mail queue on the network.
 */
final class SingleUserSecurityManager implements ActiveMQSecurityManager {

    private final byte[] user;
    private final byte[] password;

    SingleUserSecurityManager(String user, String password) {
        this.user = Objects.requireNonNull(user, "user").getBytes(StandardCharsets.UTF_8);
        this.password = Objects.requireNonNull(password, "password").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean validateUser(String user, String password) {
        if (user == null) {
            return false;
        }
        if (password == null) {
            password = ""; // a user configured without a password
        }
        // evaluate both comparisons: constant-time, and no hint which of the two was wrong
        boolean userMatches = MessageDigest.isEqual(this.user, user.getBytes(StandardCharsets.UTF_8));
        boolean passwordMatches = MessageDigest.isEqual(this.password, password.getBytes(StandardCharsets.UTF_8));
        return userMatches & passwordMatches;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return validateUser(user, password);
    }
}
