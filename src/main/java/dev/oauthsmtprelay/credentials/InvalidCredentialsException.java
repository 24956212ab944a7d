package dev.oauthsmtprelay.credentials;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The credentials file cannot be used; the message lists every problem with its fix. */
public class InvalidCredentialsException extends RuntimeException {

    private final transient List<Finding> findings;
    private final transient Path file;

    public InvalidCredentialsException(Path file, List<Finding> findings) {
        super(describe(file, findings));
        this.findings = List.copyOf(findings);
        this.file = file;
    }

    /** The file the findings concern. */
    public Path file() {
        return file;
    }

    public List<Finding> findings() {
        return findings;
    }

    private static String describe(Path file, List<Finding> findings) {
        return "Credentials file " + file + " cannot be used:" + findings.stream()
                .map(f -> "\n  - " + (f.field() == null ? "" : "\"" + f.field() + "\": ") + f.message())
                .collect(Collectors.joining());
    }
}
