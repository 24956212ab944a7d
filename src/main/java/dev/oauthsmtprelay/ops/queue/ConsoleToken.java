package dev.oauthsmtprelay.ops.queue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import dev.oauthsmtprelay.config.RelayKeys;

/** {@code relay.console.token}: without it every action is refused; with it, a request must carry it. */
public final class ConsoleToken {

    private final Optional<String> token;

    public ConsoleToken(Optional<String> token) {
        this.token = token.filter(t -> !t.isBlank());
    }

    /** Null when {@code given} is the token; otherwise why the action is refused, with the fix. */
    public String refusal(String given) {
        if (token.isEmpty()) {
            return "queue actions are off: " + RelayKeys.CONSOLE_TOKEN + " is not set. Set it in the relay's "
                    + "configuration (a long random value) and restart the relay";
        }
        byte[] expected = token.get().getBytes(StandardCharsets.UTF_8);
        byte[] actual = (given == null ? "" : given).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, actual)) {
            return "the request does not carry " + RelayKeys.CONSOLE_TOKEN + ": run the queue command with the "
                    + "relay's --config file, or send Authorization: Bearer <token>";
        }
        return null;
    }
}
