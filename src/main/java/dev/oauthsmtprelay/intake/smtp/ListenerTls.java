package dev.oauthsmtprelay.intake.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import dev.oauthsmtprelay.config.ConfigurationException;
import dev.oauthsmtprelay.config.RelayKeys;

/**
 * The listener's TLS: a certificate chain and an unencrypted PKCS#8 key (RSA or EC) from PEM files, and the
 * protocols of {@code relay.listener.tls.protocols} (TLS 1.2 and 1.3 unless an administrator admits older ones
 * for old printers). Errors name the file, never key material.
 */
public final class ListenerTls {

    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";

    private ListenerTls() {
    }

    public static SSLContext context(Path certificateFile, Path keyFile) {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("listener", key, password, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigurationException("the listener's certificate " + certificateFile + " and key " + keyFile
                    + " (" + RelayKeys.LISTENER_TLS_CERTIFICATE + ", " + RelayKeys.LISTENER_TLS_KEY + ") do not make a TLS "
                    + "key pair: " + e.getClass().getSimpleName() + ". Check that the key belongs to the certificate");
        }
    }

    /** The certificate chain of a PEM file, the server's certificate first. */
    public static List<X509Certificate> certificates(Path file) {
        try {
            byte[] pem = Files.readAllBytes(file);
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem))) {
                chain.add((X509Certificate) certificate);
            }
            if (chain.isEmpty()) {
                throw new GeneralSecurityException("no certificate");
            }
            return chain;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException(RelayKeys.LISTENER_TLS_CERTIFICATE + " " + file + " is not a readable PEM "
                    + "certificate (" + e.getClass().getSimpleName() + "); give the server certificate, then its "
                    + "intermediates, as -----BEGIN CERTIFICATE----- blocks");
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigurationException(RelayKeys.LISTENER_TLS_KEY + " " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        int begin = text.indexOf(KEY_BEGIN);
        int end = text.indexOf(KEY_END);
        if (begin < 0 || end < begin) {
            throw new ConfigurationException(RelayKeys.LISTENER_TLS_KEY + " " + file + " has no unencrypted PKCS#8 key ("
                    + KEY_BEGIN + "); convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(RelayKeys.LISTENER_TLS_KEY + " " + file + " is not valid base64 PEM");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ConfigurationException(RelayKeys.LISTENER_TLS_KEY + " " + file + " is not an RSA, EC or Ed25519 key");
    }

    /** The server side of STARTTLS on an accepted connection. */
    static SSLSocket wrap(SSLContext context, Socket socket, List<String> protocols) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        ssl.setUseClientMode(false);
        try {
            ssl.setEnabledProtocols(protocols.toArray(new String[0]));
        } catch (IllegalArgumentException e) {
            throw new IOException(RelayKeys.LISTENER_TLS_PROTOCOLS + " names a protocol this Java does not support: "
                    + protocols, e);
        }
        return LineDeadlineSockets.overTls(socket, ssl);
    }
}
