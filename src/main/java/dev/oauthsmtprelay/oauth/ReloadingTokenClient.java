package dev.oauthsmtprelay.oauth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.oauthsmtprelay.credentials.InvalidCredentialsException;
import dev.oauthsmtprelay.credentials.ProviderCredentials;

/**
 * A token client that follows its credentials file: before each token request it compares the
 * file's time stamp, size and identity with the last reading, and when they changed it reads the
 * file again. A valid new file replaces the client from then on (so a relay paused on a refused
 * login resumes once the administrator fixes the file, without a restart); an invalid one is
 * reported and the previous credentials stay in use.
 */
public final class ReloadingTokenClient implements TokenClient {

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingTokenClient.class);

    private record FileStamp(FileTime modified, long size, Object key) {
        static FileStamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (IOException e) {
                return null; // being replaced right now, or gone: keep what we have and look again next time
            }
        }
    }

    private final Path file;
    private final Function<Path, ProviderCredentials> reader;
    private final Function<ProviderCredentials, TokenClient> clients;
    private volatile TokenClient current;
    private FileStamp stamp; // guarded by this

    /**
     * @param reader  reads and validates the file; throws {@link InvalidCredentialsException} when it is unusable
     * @param clients builds the token client for valid credentials
     */
    public ReloadingTokenClient(Path file, TokenClient initial, Function<Path, ProviderCredentials> reader,
                                Function<ProviderCredentials, TokenClient> clients) {
        this.file = file;
        this.current = Objects.requireNonNull(initial);
        this.reader = reader;
        this.clients = clients;
        this.stamp = FileStamp.of(file);
    }

    @Override
    public AccessToken requestToken(String mailbox) {
        reloadIfChanged();
        return current.requestToken(mailbox);
    }

    @Override
    public String cacheKey(String mailbox) {
        return current.cacheKey(mailbox);
    }

    @Override
    public String describe() {
        return current.describe();
    }

    private synchronized void reloadIfChanged() {
        FileStamp now = FileStamp.of(file);
        if (now == null || now.equals(stamp)) {
            return;
        }
        stamp = now;
        try {
            current = clients.apply(reader.apply(file));
            LOG.info("Credentials file {} changed: using the new credentials from now on ({})", file, current.describe());
        } catch (InvalidCredentialsException e) {
            LOG.warn("Credentials file {} changed but cannot be used, so the previous credentials stay in use: {}",
                    file, e.getMessage());
        }
    }
}
