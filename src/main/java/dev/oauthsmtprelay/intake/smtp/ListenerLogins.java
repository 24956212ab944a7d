package dev.oauthsmtprelay.intake.smtp;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.Session;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * AUTH PLAIN and LOGIN against the {@link ListenerUsers}, under TLS only. SubEthaSMTP parses the mechanisms; this
 * class gives the replies their reasons (SubEthaSMTP answers every failure with the same 535) and slows down and
 * then disconnects a client that keeps failing.
 */
public final class ListenerLogins implements AuthenticationHandlerFactory {

    private final AuthenticationHandlerFactory mechanisms;
    private final int maxFailures;
    private final ConcurrentMap<String, Integer> failures = new ConcurrentHashMap<>();

    public ListenerLogins(ListenerUsers users, int maxFailures) {
        this.mechanisms = new EasyAuthenticationHandlerFactory((user, password, context) -> {
            if (!users.verify(user, password)) {
                throw new LoginFailedException();
            }
        });
        this.maxFailures = maxFailures;
    }

    @Override
    public List<String> getAuthenticationMechanisms() {
        return mechanisms.getAuthenticationMechanisms();
    }

    @Override
    public AuthenticationHandler create() {
        AuthenticationHandler login = mechanisms.create();
        return new AuthenticationHandler() {
            @Override
            public Optional<String> auth(String clientInput, MessageContext context) throws RejectException {
                Session session = (Session) context;
                if (!session.isTLSStarted()) {
                    throw new RejectException(538, "5.7.11 encryption required: send STARTTLS first, then AUTH, so "
                            + "that the password does not cross the network in the clear");
                }
                try {
                    Optional<String> challenge = login.auth(clientInput, context);
                    if (challenge.isEmpty()) {
                        failures.remove(session.getSessionId());
                    }
                    return challenge;
                } catch (RejectException e) {
                    throw e.getCode() == 535 ? failed(session) : e;
                }
            }

            @Override
            public Object getIdentity() {
                return login.getIdentity();
            }
        };
    }

    private RejectException failed(Session session) {
        int failed = failures.merge(session.getSessionId(), 1, Integer::sum);
        try {
            // 1 s, 2 s, 4 s ...: a password guesser gets a few tries a minute per connection
            Thread.sleep(Math.min(8000L, 1000L << Math.min(failed - 1, 3)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failed >= maxFailures) {
            failures.remove(session.getSessionId());
            RejectException last = new RejectException(535, "5.7.8 authentication failed " + failed + " times ("
                    + RelayKeys.LISTENER_MAX_LOGIN_FAILURES + "); closing the connection");
            try {
                // quit() closes the socket at once, so the reply goes first; SubEthaSMTP's own write of it then
                // meets a closed writer, which PrintWriter ignores.
                session.sendResponse(last.getErrorResponse());
            } catch (IOException gone) {
                // the client has left already
            }
            session.quit();
            return last;
        }
        return new RejectException(535, "5.7.8 authentication failed: wrong user name or password (users in "
                + RelayKeys.LISTENER_USERS + ", managed with `oauth-smtp-relay listener-user`)");
    }
}
