package dev.oauthsmtprelay.queue;

import java.nio.file.Path;

/**
 * Runs an embedded broker in a separate JVM for {@link EmbeddedBrokerTest}: prints {@code STARTED} once it runs,
 * and stops when its standard input closes (or when the test kills it).
 */
final class BrokerProcess {

    private BrokerProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.defaults(Path.of(args[0])))) {
            System.out.println("STARTED " + broker.inVmUrl());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the test to close our stdin
            }
        }
    }
}
