package dev.oauthsmtprelay.credentials;

import java.nio.file.Path;
import java.util.List;

/**
 * One credentials file as an account: a provider identity, the domains it sends for (its {@code domain} first, then
 * its {@code domains}) and the hub it names, if any. The name is the file name without {@code .json}.
 */
public record Account(String name, CredentialsCheck check, List<String> domains, AccountHub hub) {

    public Account {
        domains = List.copyOf(domains);
    }

    static String nameOf(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    }

    public ProviderCredentials credentials() {
        return check.credentials();
    }

    public Path source() {
        return credentials().source();
    }

    /** For messages: {@code tenant-a (Microsoft 365, example.com, example.org)}. */
    public String describe() {
        return name + " (" + credentials().provider().displayName() + ", " + String.join(", ", domains) + ")";
    }
}
