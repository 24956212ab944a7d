package dev.oauthsmtprelay.ops.check;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.oauthsmtprelay.delivery.smtp.PemTrustStore;

/**
 * Lets the handshake complete whatever the hub presents, and records the chain and what the
 * relay's real trust manager (the PEM bundle or the JVM's) says about it: trust first, then the
 * host name. Safe only because the check sends nothing over this connection but QUIT.
 */
final class InspectingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;
    private X509Certificate[] chain = new X509Certificate[0];
    private CertificateException trustFailure;
    private CertificateException hostFailure;

    InspectingTrustManager(Optional<Path> pemBundle) throws GeneralSecurityException {
        TrustManager[] managers;
        if (pemBundle.isPresent()) {
            managers = PemTrustStore.trustManagers(pemBundle.get());
        } else {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            managers = factory.getTrustManagers();
        }
        X509ExtendedTrustManager found = null;
        for (TrustManager manager : managers) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                found = x509;
            }
        }
        if (found == null) {
            throw new GeneralSecurityException("no X.509 trust manager");
        }
        this.delegate = found;
    }

    X509Certificate[] chain() {
        return chain.clone();
    }

    CertificateException trustFailure() {
        return trustFailure;
    }

    CertificateException hostFailure() {
        return hostFailure;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, Socket socket) {
        chain = presented.clone();
        try {
            delegate.checkServerTrusted(presented, authType);
        } catch (CertificateException e) {
            trustFailure = e;
            return;
        }
        try {
            delegate.checkServerTrusted(presented, authType, socket); // adds the host-name check
        } catch (CertificateException e) {
            hostFailure = e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, SSLEngine engine) {
        throw new UnsupportedOperationException("sockets only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType) {
        throw new UnsupportedOperationException("sockets only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("client certificates are not expected");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("client certificates are not expected");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType) throws CertificateException {
        throw new CertificateException("client certificates are not expected");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
