package dev.oauthsmtprelay.intake.smtp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** A self-signed certificate and its PKCS#8 key as PEM files, made with the JDK's keytool. */
record ListenerCertificate(Path certificate, Path key) {

    static ListenerCertificate create(Path dir, int validityDays) throws Exception {
        return create(dir, 0, validityDays);
    }

    /** A certificate whose validity started {@code daysAgo} days ago. */
    static ListenerCertificate create(Path dir, int daysAgo, int validityDays) throws Exception {
        Path p12 = dir.resolve("listener.p12");
        Files.deleteIfExists(p12);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "listener", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", String.valueOf(validityDays), "-startdate", "-" + daysAgo + "d", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", p12.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit", "-noprompt").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            store.load(in, "changeit".toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate("listener");
        PrivateKey key = (PrivateKey) store.getKey("listener", "changeit".toCharArray());
        Path certFile = Files.writeString(dir.resolve("listener.crt"), pem("CERTIFICATE", certificate.getEncoded()),
                StandardCharsets.US_ASCII);
        Path keyFile = Files.writeString(dir.resolve("listener.key"), pem("PRIVATE KEY", key.getEncoded()),
                StandardCharsets.US_ASCII);
        return new ListenerCertificate(certFile, keyFile);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
