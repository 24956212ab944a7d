package dev.oauthsmtprelay.credentials;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every credentials file of {@code relay.credentials} into {@link Accounts}. A single file is checked against
 * relay.alias-domain as it always was; with several, {@link Accounts#of} checks that one of them serves it.
 */
public final class AccountsReader {

    private final CredentialsFileReader reader;

    public AccountsReader(CredentialsFileReader reader) {
        this.reader = reader;
    }

    /**
     * @throws InvalidCredentialsException for the first unusable file, or two files claiming one domain
     * @throws dev.oauthsmtprelay.config.ConfigurationException when no file serves the alias domain
     */
    public Accounts read(List<Path> files, String aliasDomain) {
        List<Account> accounts = new ArrayList<>();
        for (Path file : files) {
            accounts.add(reader.readAccount(file, files.size() == 1 ? aliasDomain : null));
        }
        return Accounts.of(accounts, aliasDomain);
    }
}
