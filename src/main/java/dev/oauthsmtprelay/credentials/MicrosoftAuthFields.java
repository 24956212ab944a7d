package dev.oauthsmtprelay.credentials;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of a {@code microsoft_app} file that say how the application authenticates: exactly one of
 * {@code client_secret} (with the optional {@code client_secret_expires}), {@code client_certificate} with
 * {@code private_key}, or {@code client_assertion_file}. Paths are relative to the credentials file.
 */
final class MicrosoftAuthFields {

    private static final String FIX = "give exactly one of: \"client_secret\" (with \"client_secret_expires\": "
            + "\"YYYY-MM-DD\" copied from the portal), \"client_certificate\" and \"private_key\" (PEM files), or "
            + "\"client_assertion_file\" (a federated token file); see docs/setup-microsoft.md";

    private MicrosoftAuthFields() {
    }

    static MicrosoftClientAuth read(Path file, JsonNode root, List<Finding> findings) {
        List<String> given = new ArrayList<>();
        for (String field : new String[] {"client_secret", "client_certificate", "client_assertion_file"}) {
            if (!CredentialsFileReader.text(root, field).isEmpty()) {
                given.add(field);
            }
        }
        if (given.isEmpty()) {
            findings.add(Finding.error("client_secret", "missing or empty: create a client secret under Certificates "
                    + "& secrets and paste its Value (not its Secret ID), or authenticate with a certificate "
                    + "(\"client_certificate\" and \"private_key\") or a federated credential "
                    + "(\"client_assertion_file\"); see docs/setup-microsoft.md."));
            return null;
        }
        if (given.size() > 1) {
            findings.add(Finding.error(String.join(", ", given), "only one may be given: " + FIX + "."));
            return null;
        }
        Path dir = file.toAbsolutePath().getParent();
        return switch (given.get(0)) {
            case "client_secret" -> secret(root, findings);
            case "client_certificate" -> certificate(dir, root, findings);
            default -> new MicrosoftClientAuth.FederatedAssertion(
                    dir.resolve(CredentialsFileReader.text(root, "client_assertion_file")));
        };
    }

    private static MicrosoftClientAuth secret(JsonNode root, List<Finding> findings) {
        String expires = CredentialsFileReader.text(root, "client_secret_expires");
        LocalDate date = null;
        if (!expires.isEmpty()) {
            try {
                date = LocalDate.parse(expires.length() > 10 ? expires.substring(0, 10) : expires);
            } catch (DateTimeParseException e) {
                findings.add(Finding.error("client_secret_expires", "\"" + expires + "\" is not a date: write it as "
                        + "YYYY-MM-DD, as the portal shows it under Certificates & secrets."));
            }
        }
        return new MicrosoftClientAuth.ClientSecret(CredentialsFileReader.require(root, "client_secret", findings,
                "create a client secret under Certificates & secrets and paste its Value (not its Secret ID)"), date);
    }

    private static MicrosoftClientAuth certificate(Path dir, JsonNode root, List<Finding> findings) {
        X509Certificate certificate = null;
        Path certificateFile = dir.resolve(CredentialsFileReader.text(root, "client_certificate"));
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certificateFile)));
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            findings.add(Finding.error("client_certificate", certificateFile + " is not a readable PEM certificate ("
                    + e.getClass().getSimpleName() + "): give the certificate whose public key you uploaded under "
                    + "Certificates & secrets → Certificates."));
        }
        String keyField = CredentialsFileReader.require(root, "private_key", findings,
                "give the certificate's private key, a PKCS#8 PEM file or the PEM text itself");
        RSAPrivateKey key = null;
        if (!keyField.isEmpty()) {
            try {
                String pem = keyField.contains("-----BEGIN") ? keyField
                        : Files.readString(dir.resolve(keyField), StandardCharsets.US_ASCII);
                key = PrivateKeyPem.parse(pem);
            } catch (IOException e) {
                findings.add(Finding.error("private_key", "the file " + dir.resolve(keyField) + " cannot be read ("
                        + e.getClass().getSimpleName() + ")."));
            } catch (IllegalArgumentException e) {
                findings.add(Finding.error("private_key", "does not parse: " + e.getMessage() + ". Convert it with "
                        + "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem (an RSA key)."));
            }
        }
        if (certificate != null && key != null && !(certificate.getPublicKey() instanceof java.security.interfaces.RSAPublicKey rsa
                && rsa.getModulus().equals(key.getModulus()))) {
            findings.add(Finding.error("private_key", "does not belong to client_certificate "
                    + certificate.getSubjectX500Principal().getName() + ": give the key the certificate was made with."));
        }
        return certificate == null || key == null ? null : new MicrosoftClientAuth.ClientCertificate(certificate, key);
    }
}
