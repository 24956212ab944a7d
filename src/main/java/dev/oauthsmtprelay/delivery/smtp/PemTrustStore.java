package dev.oauthsmtprelay.delivery.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import dev.oauthsmtprelay.config.ConfigurationException;

/** Trusts exactly the CA certificates of a PEM bundle ({@code relay.smtp.trust-store}). */
public final class PemTrustStore {

    private PemTrustStore() {
    }

    public static SSLSocketFactory socketFactory(Path pemBundle) {
        try {
            return sslContext(pemBundle).getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("relay.smtp.trust-store " + pemBundle + " cannot be used as a trust store ("
                    + e.getMessage() + ").");
        }
    }

    /** Trust managers for the bundle, e.g. for Camel's {@code SSLContextParameters} on a user's own endpoint. */
    public static javax.net.ssl.TrustManager[] trustManagers(Path pemBundle) throws GeneralSecurityException {
        return trustManagerFactory(pemBundle).getTrustManagers();
    }

    public static SSLContext sslContext(Path pemBundle) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers(pemBundle), null);
        return context;
    }

    private static TrustManagerFactory trustManagerFactory(Path pemBundle) throws GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            keyStore.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int index = 0;
        for (Certificate certificate : read(pemBundle)) {
            keyStore.setCertificateEntry("ca-" + index++, certificate);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keyStore);
        return trust;
    }

    private static Collection<? extends Certificate> read(Path pemBundle) {
        try (InputStream in = Files.newInputStream(pemBundle)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigurationException("relay.smtp.trust-store " + pemBundle + " holds no certificate. "
                        + "Give a PEM file with one or more \"-----BEGIN CERTIFICATE-----\" blocks (the hub's CA).");
            }
            return certificates;
        } catch (IOException e) {
            throw new ConfigurationException("relay.smtp.trust-store " + pemBundle + " cannot be read ("
                    + e.getClass().getSimpleName() + "). Check the path and that the relay's user may read it.");
        } catch (CertificateException e) {
            throw new ConfigurationException("relay.smtp.trust-store " + pemBundle + " is not a PEM certificate "
                    + "bundle (" + e.getMessage() + ").");
        }
    }
}
