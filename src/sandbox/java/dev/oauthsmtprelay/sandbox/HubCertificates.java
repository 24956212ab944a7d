package dev.oauthsmtprelay.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed server certificates for {@link XOAuth2SmtpHub} (tests and the demo sandbox), generated with the
 * JDK's own {@code keytool} (no BouncyCastle needed). Generating a key pair costs one keytool process (~0.6 s), so each
 * {@link XOAuth2SmtpHub.CertificateKind} is generated once per JVM and shared by all hubs.
 */
final class HubCertificates {

    static final char[] PASSWORD = "hub-test-password".toCharArray();
    private static final String ALIAS = "hub";
    private static final Map<XOAuth2SmtpHub.CertificateKind, HubCertificates> CACHE =
            new EnumMap<>(XOAuth2SmtpHub.CertificateKind.class);

    final XOAuth2SmtpHub.CertificateKind kind;
    final byte[] pkcs12;
    final X509Certificate certificate;
    final Path pemFile;

    private HubCertificates(XOAuth2SmtpHub.CertificateKind kind, byte[] pkcs12, X509Certificate certificate,
                            Path pemFile) {
        this.kind = kind;
        this.pkcs12 = pkcs12;
        this.certificate = certificate;
        this.pemFile = pemFile;
    }

    static synchronized HubCertificates get(XOAuth2SmtpHub.CertificateKind kind) {
        HubCertificates c = CACHE.get(kind);
        if (c == null) {
            c = generate(kind);
            CACHE.put(kind, c);
        }
        return c;
    }

    private static HubCertificates generate(XOAuth2SmtpHub.CertificateKind kind) {
        try {
            Path dir = Files.createTempDirectory("xoauth2-hub-cert-");
            dir.toFile().deleteOnExit();
            Path p12 = dir.resolve("hub-" + kind.name().toLowerCase() + ".p12");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", ALIAS,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-validity", "3650",
                    "-keystore", p12.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD), "-noprompt"));
            switch (kind) {
                case LOCALHOST -> {
                    cmd.addAll(List.of("-dname", "CN=localhost, O=oauth-smtp-relay sandbox hub"));
                    cmd.addAll(List.of("-ext", "SAN=dns:localhost,ip:127.0.0.1"));
                }
                case WRONG_NAME -> cmd.addAll(List.of("-dname", "CN=wrong.example, O=oauth-smtp-relay sandbox hub"));
                default -> throw new IllegalArgumentException(kind.toString());
            }
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
            }
            byte[] bytes = Files.readAllBytes(p12);
            p12.toFile().deleteOnExit();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(bytes), PASSWORD);
            X509Certificate cert = (X509Certificate) ks.getCertificate(ALIAS);
            Path pem = dir.resolve("hub-" + kind.name().toLowerCase() + ".pem");
            Files.writeString(pem, toPem(cert), StandardCharsets.US_ASCII);
            pem.toFile().deleteOnExit();
            return new HubCertificates(kind, bytes, cert, pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String toPem(X509Certificate cert) throws GeneralSecurityException {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(cert.getEncoded());
        return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    }

    SSLContext serverContext() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(pkcs12), PASSWORD);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    KeyStore trustStore() {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("xoauth2-hub", certificate);
            return ts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    SSLContext clientContext() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
