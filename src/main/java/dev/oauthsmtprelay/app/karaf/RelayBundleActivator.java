package dev.oauthsmtprelay.app.karaf;

import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;

/**
 * Runs the relay in Apache Karaf (or any OSGi framework with Configuration Admin): the relay follows the
 * configuration {@value #PID}, which Karaf reads from {@code etc/dev.oauthsmtprelay.cfg} with the same
 * {@code relay.*} keys as the runnable jar's configuration file.
 */
public final class RelayBundleActivator implements BundleActivator {

    public static final String PID = "dev.oauthsmtprelay";

    private RelayLifecycle lifecycle;
    private ServiceRegistration<ManagedService> registration;

    @Override
    public void start(BundleContext bundleContext) {
        lifecycle = new RelayLifecycle(RelayBundleActivator.class.getClassLoader());
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, PID);
        registration = bundleContext.registerService(ManagedService.class, lifecycle::configurationChanged,
                properties);
    }

    @Override
    public void stop(BundleContext bundleContext) {
        registration.unregister();
        lifecycle.close();
    }
}
