package dev.oauthsmtprelay.delivery.smtp;

/**
 * Jakarta Mail 2.1 looks up its {@code StreamProvider} with a {@link java.util.ServiceLoader} scan of the
 * class path every time it parses headers or builds a message, several times per message (jakartaee/mail-api
 * issue 861). With the system property {@code jakarta.mail.util.StreamProvider} set, it loads the named class
 * instead, which the JVM has already loaded. In a profile of the warm relay the scan was about 12 % of the
 * samples (bench/README.md).
 *
 * <p>Only the standalone jar sets it: on its flat class path Angus's provider is the one the scan would find
 * anyway. Inside OSGi or an application server, class loaders differ and the scan is the safe default.
 */
public final class MailStreamProviderLookup {

    static final String PROPERTY = "jakarta.mail.util.StreamProvider";
    static final String ANGUS_PROVIDER = "org.eclipse.angus.mail.util.MailStreamProvider";

    private MailStreamProviderLookup() {
    }

    /** Names Angus's provider directly, unless the property is set already or Angus is not on the class path. */
    public static void nameAngusProvider() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        try {
            Class.forName(ANGUS_PROVIDER, false, MailStreamProviderLookup.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return;
        }
        System.setProperty(PROPERTY, ANGUS_PROVIDER);
    }
}
