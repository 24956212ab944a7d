package dev.oauthsmtprelay.queue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.ha.SharedStoreBackupPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.SharedStorePrimaryPolicyConfiguration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * One broker of a shared-store HA pair, as its own process (tests kill it with SIGKILL): the relay's queues and
 * address settings ({@link EmbeddedBroker#configuration}) on a journal both brokers share, plus the primary or backup
 * policy and a cluster connection to the other broker, which tells clients about the backup. Prints
 * {@value #ACTIVE} once it serves clients.
 *
 * <p>Arguments: {@code primary|backup <shared dir> <port> <other broker's port>}.
 */
public final class HaBrokerMain {

    public static final String ACTIVE = "HA-BROKER-ACTIVE";

    private HaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean primary = args[0].equals("primary");
        Path shared = Path.of(args[1]);
        String self = "tcp://127.0.0.1:" + args[2];
        String other = "tcp://127.0.0.1:" + args[3];
        BrokerSettings settings = BrokerSettings.defaults(shared).withListenUrl(self)
                .withRedelivery(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1));
        Configuration config = new EmbeddedBroker(settings).configuration(shared.resolve("broker"))
                .setName(primary ? "relay-ha-primary" : "relay-ha-backup")
                .setJournalLockAcquisitionTimeout(-1)
                .setClusterUser("relay-ha")
                .setClusterPassword("relay-ha-cluster-secret");
        config.getAcceptorConfigurations().removeIf(acceptor -> acceptor.getName().equals("invm"));
        config.addConnectorConfiguration("self", self);
        config.addConnectorConfiguration("other", other);
        config.addClusterConfiguration(new ClusterConnectionConfiguration().setName("relay-ha")
                .setConnectorName("self").setStaticConnectors(List.of("other")).setRetryInterval(200));
        config.setHAPolicyConfiguration(primary
                ? new SharedStorePrimaryPolicyConfiguration().setFailoverOnServerShutdown(true)
                : new SharedStoreBackupPolicyConfiguration().setAllowFailBack(true).setFailoverOnServerShutdown(true)
                .setRestartBackup(true));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.setPropertiesResourcePath(null);
        server.start();
        boolean announced = false;
        while (true) {
            boolean active = server.getActiveMQServer().waitForActivation(200, TimeUnit.MILLISECONDS);
            if (active && !announced) {
                System.out.println(ACTIVE + " " + args[0]);
                System.out.flush();
                announced = true;
            } else if (!active && announced) {
                System.out.println("HA-BROKER-PASSIVE " + args[0]);
                System.out.flush();
                announced = false;
            }
            Thread.sleep(200);
        }
    }
}
