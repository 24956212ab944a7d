package dev.oauthsmtprelay.delivery.sender;

import java.util.List;
import java.util.stream.Collectors;

import dev.oauthsmtprelay.config.ConfigurationException;

/** The relay.users mapping file cannot be used; the message lists every problem with its line and fix. */
public class InvalidUserMappingException extends ConfigurationException {

    private final transient List<String> problems;

    public InvalidUserMappingException(String source, List<String> problems) {
        super(describe(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** One entry per problem, each starting with "line N: ". */
    public List<String> problems() {
        return problems;
    }

    private static String describe(String source, List<String> problems) {
        return "User mapping file " + source + " (relay.users) cannot be used:"
                + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining());
    }
}
