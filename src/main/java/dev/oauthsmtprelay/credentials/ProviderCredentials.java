package dev.oauthsmtprelay.credentials;

import java.net.URI;
import java.nio.file.Path;

/** A provider credentials file after validation. Implementations never print their secret. */
public sealed interface ProviderCredentials permits GoogleServiceAccount, MicrosoftApp {

    Provider provider();

    /** The file these credentials were read from, for messages. */
    Path source();

    String domain();

    /** Where token requests are sent. */
    URI tokenEndpoint();

    /** The identity the provider knows the relay by, shown in messages (client_email or client_id). */
    String clientId();
}
