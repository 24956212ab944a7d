package dev.oauthsmtprelay.credentials;

import java.util.List;

/** Usable credentials together with the warnings found while reading them. */
public record CredentialsCheck(ProviderCredentials credentials, List<Finding> warnings) {
}
