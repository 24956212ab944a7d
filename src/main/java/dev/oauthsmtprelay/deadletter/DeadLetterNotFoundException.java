package dev.oauthsmtprelay.deadletter;

import java.nio.file.Path;

/** No (complete) dead letter with the given id exists. */
public class DeadLetterNotFoundException extends RuntimeException {

    private final String id;

    public DeadLetterNotFoundException(String id, Path directory) {
        super("No dead letter \"" + id + "\" in " + directory.toAbsolutePath()
                + ". 'dead-letter list' shows the ids there; check --config / relay.data.dir if the list is empty.");
        this.id = id;
    }

    public String id() {
        return id;
    }
}
