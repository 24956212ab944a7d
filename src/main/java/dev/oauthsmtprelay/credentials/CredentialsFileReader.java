package dev.oauthsmtprelay.credentials;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.oauthsmtprelay.config.RelayKeys;

/**
 * Reads and validates a provider credentials file in either of the two formats IBM i uses
 * (Google service-account key + domain, or {@code microsoft_app}). Every problem is reported with
 * the file, the field and the fix; secrets never appear in a message.
 */
public final class CredentialsFileReader {

    static final String GOOGLE_DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
    private static final Set<String> MICROSOFT_SMTP_SCOPES = Set.of(
            "https://outlook.office365.com/.default", "https://outlook.office.com/.default",
            "https://outlook.office365.us/.default", "https://outlook.office365.de/.default",
            "https://partner.outlook.cn/.default");

    private final ObjectMapper json = new ObjectMapper();
    private final boolean strictPermissions;

    /** A file readable by group or others gives a warning. */
    public CredentialsFileReader() {
        this(false);
    }

    /** @param strictPermissions true refuses a file readable by group or others instead of warning */
    public CredentialsFileReader(boolean strictPermissions) {
        this.strictPermissions = strictPermissions;
    }

    public CredentialsCheck read(Path file, String aliasDomain) {
        return readAccount(file, aliasDomain).check();
    }

    /**
     * The file as an account: its credentials, the domains it serves and the hub it names.
     *
     * @param aliasDomain relay.alias-domain, which must be the file's {@code domain} or one of its {@code domains};
     *                    null when several files are read, where {@link Accounts} checks it instead
     */
    public Account readAccount(Path file, String aliasDomain) {
        JsonNode root = parse(file);
        List<Finding> findings = new ArrayList<>();
        ProviderCredentials credentials = switch (text(root, "type")) {
            case "service_account" -> google(file, root, findings);
            case "microsoft_app" -> microsoft(file, root, findings);
            case "" -> {
                findings.add(Finding.error("type", "missing. Use \"service_account\" (the Google key file as "
                        + "downloaded) or \"microsoft_app\" (Microsoft 365 client credentials)."));
                yield null;
            }
            default -> {
                findings.add(Finding.error("type", "unknown type \"" + text(root, "type")
                        + "\". Use \"service_account\" (Google) or \"microsoft_app\" (Microsoft 365)."));
                yield null;
            }
        };
        List<String> aliasDomains = AccountFields.aliasDomains(root, findings);
        AccountHub hub = AccountFields.hub(root, findings);
        checkDomain(root, aliasDomains, aliasDomain, findings);
        checkPermissions(file, findings);
        List<Finding> errors = findings.stream().filter(Finding::isError).toList();
        if (!errors.isEmpty()) {
            throw new InvalidCredentialsException(file, errors);
        }
        List<String> domains = new ArrayList<>();
        domains.add(domain(root));
        aliasDomains.stream().filter(d -> !domains.contains(d)).forEach(domains::add);
        return new Account(Account.nameOf(file), new CredentialsCheck(credentials, findings), domains, hub);
    }

    private JsonNode parse(Path file) {
        try {
            JsonNode root = json.readTree(Files.readAllBytes(file));
            if (root == null || !root.isObject()) {
                throw new InvalidCredentialsException(file, List.of(Finding.error(null,
                        "it is not a JSON object. Use the key file as the provider gave it, plus a \"domain\" field.")));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new InvalidCredentialsException(file, List.of(Finding.error(null, "it is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + "). Check for a missing comma or quote, e.g. after adding the \"domain\" field.")));
        } catch (IOException e) {
            throw new InvalidCredentialsException(file, List.of(Finding.error(null, "it cannot be read ("
                    + e.getClass().getSimpleName() + "). Check relay.credentials and that the relay's user may read it.")));
        }
    }

    private GoogleServiceAccount google(Path file, JsonNode root, List<Finding> findings) {
        String clientEmail = require(root, "client_email", findings,
                "copy the key file again exactly as downloaded from the Google Cloud console");
        String clientId = require(root, "client_id", findings,
                "copy the key file again exactly as downloaded from the Google Cloud console");
        String privateKeyId = require(root, "private_key_id", findings,
                "copy the key file again exactly as downloaded from the Google Cloud console");
        String pem = require(root, "private_key", findings,
                "copy the key file again exactly as downloaded from the Google Cloud console");
        RSAPrivateKey key = null;
        if (!pem.isEmpty()) {
            try {
                key = PrivateKeyPem.parse(pem);
            } catch (IllegalArgumentException e) {
                findings.add(Finding.error("private_key", "does not parse: " + e.getMessage()
                        + ". Create a new JSON key for the service account in the Google Cloud console "
                        + "(IAM & Admin → Service accounts → Keys) and use that file unchanged."));
            }
        }
        String tokenUriText = text(root, "token_uri");
        URI tokenUri = uri(tokenUriText.isEmpty() ? GOOGLE_DEFAULT_TOKEN_URI : tokenUriText, "token_uri", findings);
        URI endpoint = endpointOverride(root, findings);
        String scope = text(root, "scope");
        if (!scope.isEmpty() && !scope.equals(Provider.GOOGLE.smtpScope())) {
            findings.add(Finding.warning("scope", "is \"" + scope + "\", but SMTP needs "
                    + Provider.GOOGLE.smtpScope() + "; the relay always requests " + Provider.GOOGLE.smtpScope()
                    + ". Remove the field or make sure that scope is granted under domain-wide delegation."));
        }
        if (findings.stream().anyMatch(Finding::isError)) {
            return null;
        }
        return new GoogleServiceAccount(file, clientEmail, clientId, privateKeyId, key, tokenUri,
                endpoint != null ? endpoint : tokenUri, domain(root));
    }

    private MicrosoftApp microsoft(Path file, JsonNode root, List<Finding> findings) {
        String tenant = require(root, "tenant_id", findings,
                "use the Directory (tenant) ID shown on the app registration's Overview page in Microsoft Entra");
        String clientId = require(root, "client_id", findings,
                "use the Application (client) ID shown on the app registration's Overview page");
        MicrosoftClientAuth auth = MicrosoftAuthFields.read(file, root, findings);
        MicrosoftApp.Transport transport = transport(root, findings);
        String scope;
        URI graphEndpoint = null;
        if (transport == MicrosoftApp.Transport.GRAPH) {
            scope = text(root, "scope").isEmpty() ? MicrosoftApp.GRAPH_SCOPE : text(root, "scope");
            if (!scope.equals(MicrosoftApp.GRAPH_SCOPE)) {
                findings.add(Finding.error("scope", "is \"" + scope + "\", but \"transport\": \"graph\" needs "
                        + MicrosoftApp.GRAPH_SCOPE + ". Remove the field (that is the default for Graph) or set it."));
            }
            String graph = text(root, "graph_endpoint");
            graphEndpoint = graph.isEmpty() ? MicrosoftApp.DEFAULT_GRAPH_ENDPOINT : uri(graph, "graph_endpoint", findings);
        } else {
            scope = require(root, "scope", findings, "set it to " + Provider.MICROSOFT.smtpScope());
            if (!scope.isEmpty() && !MICROSOFT_SMTP_SCOPES.contains(scope)) {
                findings.add(Finding.warning("scope", "is \"" + scope + "\", which is not an Exchange Online SMTP "
                        + "scope; tokens for it will be refused by the SMTP server. Use " + Provider.MICROSOFT.smtpScope()
                        + (scope.equals(MicrosoftApp.GRAPH_SCOPE) ? ", or add \"transport\": \"graph\" to send "
                        + "through Microsoft Graph" : "") + "."));
            }
            if (!text(root, "graph_endpoint").isEmpty()) {
                findings.add(Finding.warning("graph_endpoint", "is ignored: the file sends over SMTP. Add "
                        + "\"transport\": \"graph\" to send through Microsoft Graph."));
            }
        }
        URI endpoint = endpointOverride(root, findings);
        if (endpoint == null && !tenant.isEmpty()) {
            endpoint = uri(MicrosoftApp.DEFAULT_AUTHORITY + "/" + tenant + "/oauth2/v2.0/token", "tenant_id", findings);
        }
        if (findings.stream().anyMatch(Finding::isError)) {
            return null;
        }
        return new MicrosoftApp(file, tenant, clientId, auth, scope, endpoint, domain(root), transport, graphEndpoint);
    }

    private static MicrosoftApp.Transport transport(JsonNode root, List<Finding> findings) {
        String transport = text(root, "transport").toLowerCase(Locale.ROOT);
        switch (transport) {
            case "", "smtp" -> {
                return MicrosoftApp.Transport.SMTP;
            }
            case "graph" -> {
                return MicrosoftApp.Transport.GRAPH;
            }
            default -> {
                findings.add(Finding.error("transport", "is \"" + text(root, "transport") + "\". Use \"smtp\" (SMTP AUTH "
                        + "with XOAUTH2, the default) or \"graph\" (Microsoft Graph sendMail, where SMTP AUTH is off)."));
                return MicrosoftApp.Transport.SMTP;
            }
        }
    }

    private void checkDomain(JsonNode root, List<String> aliasDomains, String aliasDomain, List<Finding> findings) {
        String domain = domain(root);
        if (domain.isEmpty()) {
            findings.add(Finding.error("domain", "missing or empty. Add \"domain\": \"" + orPlaceholder(aliasDomain)
                    + "\" to the file: it must equal relay.alias-domain, or mail from that domain is not relayed."));
        } else if (aliasDomain != null && !domain.equals(aliasDomain.toLowerCase(Locale.ROOT))
                && !aliasDomains.contains(aliasDomain.toLowerCase(Locale.ROOT))) {
            findings.add(Finding.error("domain", "is \"" + domain + "\" but relay.alias-domain is \"" + aliasDomain
                    + "\". They must be equal (or the alias domain listed in \"domains\"), otherwise mail is not "
                    + "relayed with these credentials: correct one of them."));
        }
    }

    private void checkPermissions(Path file, List<Finding> findings) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ)
                    || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                String problem = "the file is readable by group or others and holds a secret. Run: chmod 600 " + file;
                findings.add(strictPermissions
                        ? Finding.error(null, problem + " (refused because "
                                + RelayKeys.CREDENTIALS_STRICT_PERMISSIONS + "=true)")
                        : Finding.warning(null, problem));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system (or not readable here): nothing to check.
        }
    }

    private static URI endpointOverride(JsonNode root, List<Finding> findings) {
        String endpoint = text(root, "token_endpoint");
        return endpoint.isEmpty() ? null : uri(endpoint, "token_endpoint", findings);
    }

    private static URI uri(String value, String field, List<Finding> findings) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                    || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            findings.add(Finding.error(field, "\"" + value + "\" is not an absolute https:// URL."));
            return null;
        }
    }

    static String require(JsonNode root, String field, List<Finding> findings, String fix) {
        String value = text(root, field);
        JsonNode node = root.get(field);
        if (node != null && !node.isNull() && !node.isTextual()) {
            findings.add(Finding.error(field, "must be a JSON string (in double quotes), but is "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT) + "."));
        } else if (value.isEmpty()) {
            findings.add(Finding.error(field, "missing or empty: " + fix + "."));
        }
        return value;
    }

    private static String domain(JsonNode root) {
        return text(root, "domain").toLowerCase(Locale.ROOT);
    }

    static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || !node.isTextual() ? "" : node.asText().trim();
    }

    private static String orPlaceholder(String aliasDomain) {
        return aliasDomain == null || aliasDomain.isBlank() ? "example.com" : aliasDomain;
    }
}
