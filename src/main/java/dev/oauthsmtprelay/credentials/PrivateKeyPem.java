package dev.oauthsmtprelay.credentials;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** Reads the PKCS#8 PEM private key Google puts in a service-account key file. */
final class PrivateKeyPem {

    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private PrivateKeyPem() {
    }

    /** @throws IllegalArgumentException with a reason that never contains key material */
    static RSAPrivateKey parse(String pem) {
        String text = pem.replace("\\n", "\n").trim();
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new IllegalArgumentException("it is not an unencrypted PKCS#8 key (\"" + BEGIN + "\")");
        }
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("it has no \"" + BEGIN + "\" ... \"" + END + "\" block");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its body is not valid base64");
        }
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("it is not an RSA private key");
        }
    }
}
