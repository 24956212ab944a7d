package dev.oauthsmtprelay.credentials;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of a credentials file that say what the account sends for and through which hub: {@code domains}
 * (alias domains the same tenant or Workspace serves) and {@code smtp_host}, {@code smtp_port}, {@code smtp_tls}.
 */
final class AccountFields {

    private static final Pattern DOMAIN = Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    private AccountFields() {
    }

    /** The {@code domains} field: a JSON array of domains, or one string with commas. Lower case, in order. */
    static List<String> aliasDomains(JsonNode root, List<Finding> findings) {
        JsonNode node = root.get("domains");
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        if (node.isTextual()) {
            for (String part : node.asText().split(",")) {
                values.add(part);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (!element.isTextual()) {
                    findings.add(Finding.error("domains", "holds " + element.getNodeType().name().toLowerCase(Locale.ROOT)
                            + " " + element + ". Write the alias domains as strings: \"domains\": [\"example.org\", "
                            + "\"example.net\"]."));
                    return List.of();
                }
                values.add(element.asText());
            }
        } else {
            findings.add(Finding.error("domains", "must be a list of domains, such as \"domains\": [\"example.org\"], "
                    + "but is " + node.getNodeType().name().toLowerCase(Locale.ROOT) + "."));
            return List.of();
        }
        Set<String> domains = new LinkedHashSet<>();
        for (String value : values) {
            String domain = value.trim().toLowerCase(Locale.ROOT);
            if (domain.isEmpty()) {
                continue;
            }
            if (!DOMAIN.matcher(domain).matches()) {
                findings.add(Finding.error("domains", "\"" + value.trim() + "\" is not a mail domain. Write bare "
                        + "domains such as example.org: no @, no spaces, no wildcards."));
            } else {
                domains.add(domain);
            }
        }
        return List.copyOf(domains);
    }

    static AccountHub hub(JsonNode root, List<Finding> findings) {
        Optional<String> host = Optional.of(CredentialsFileReader.text(root, "smtp_host")).filter(h -> !h.isEmpty());
        host.filter(h -> h.contains(":") || h.contains("/") || h.contains(" ")).ifPresent(h -> findings.add(
                Finding.error("smtp_host", "is \"" + h + "\". Give the host name only, such as smtp.office365.com, and "
                        + "the port in \"smtp_port\".")));
        Optional<Integer> port = port(root, findings);
        Optional<String> tls = Optional.of(CredentialsFileReader.text(root, "smtp_tls").toLowerCase(Locale.ROOT))
                .filter(t -> !t.isEmpty());
        if (tls.isPresent() && !tls.get().equals("starttls") && !tls.get().equals("implicit")) {
            findings.add(Finding.error("smtp_tls", "is \"" + CredentialsFileReader.text(root, "smtp_tls")
                    + "\". Use \"starttls\" (port 587) or \"implicit\" (port 465); sending without TLS is not "
                    + "supported."));
            tls = Optional.empty();
        }
        return new AccountHub(host, port, tls);
    }

    private static Optional<Integer> port(JsonNode root, List<Finding> findings) {
        JsonNode node = root.get("smtp_port");
        if (node == null || node.isNull() || node.isTextual() && node.asText().isBlank()) {
            return Optional.empty();
        }
        String text = node.asText().trim();
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535 && (node.isInt() || node.isTextual())) {
                return Optional.of(port);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        findings.add(Finding.error("smtp_port", "is " + node + ". Give a port number from 1 to 65535, such as 587 "
                + "(STARTTLS) or 465 (implicit TLS)."));
        return Optional.empty();
    }
}
