package dev.oauthsmtprelay.delivery.smtp;

import java.util.Properties;

import javax.net.ssl.SSLSocketFactory;

import jakarta.mail.Session;

/**
 * The Angus Mail session for the hub: XOAUTH2 only, TLS always (STARTTLS required or implicit),
 * certificates and host names verified, partial delivery when some recipients are refused,
 * TCP_NODELAY on the sockets.
 */
public final class SmtpSessions {

    private SmtpSessions() {
    }

    public static String protocol(SmtpSettings settings) {
        return settings.tls() == TlsMode.IMPLICIT ? "smtps" : "smtp";
    }

    public static Session create(SmtpSettings settings) {
        String p = "mail." + protocol(settings) + ".";
        Properties props = new Properties();
        props.put(p + "host", settings.host());
        props.put(p + "port", String.valueOf(settings.port()));
        props.put(p + "auth", "true");
        props.put(p + "auth.mechanisms", "XOAUTH2");
        props.put(p + "auth.login.disable", "true");
        props.put(p + "auth.plain.disable", "true");
        props.put(p + "sendpartial", "true");
        props.put(p + "connectiontimeout", String.valueOf(settings.connectTimeout().toMillis()));
        props.put(p + "timeout", String.valueOf(settings.readTimeout().toMillis()));
        props.put(p + "writetimeout", String.valueOf(settings.readTimeout().toMillis()));
        props.put(p + "ssl.checkserveridentity", "true");
        if (settings.tls() == TlsMode.STARTTLS) {
            props.put(p + "starttls.enable", "true");
            // Without this a hub that offers no STARTTLS would get the message in clear text.
            props.put(p + "starttls.required", "true");
        } else {
            props.put(p + "ssl.enable", "true");
        }
        SSLSocketFactory tls = settings.trustStore().map(PemTrustStore::socketFactory)
                .orElseGet(() -> (SSLSocketFactory) SSLSocketFactory.getDefault());
        props.put(p + "ssl.socketFactory", new NoDelaySslSocketFactory(tls));
        if (settings.tls() == TlsMode.STARTTLS) {
            props.put(p + "socketFactory", new NoDelaySocketFactory()); // the plain socket STARTTLS upgrades
        }
        return Session.getInstance(props);
    }
}
