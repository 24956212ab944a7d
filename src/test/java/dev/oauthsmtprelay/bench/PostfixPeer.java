package dev.oauthsmtprelay.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Postfix instance for the bench (bench/postfix.sh): its own configuration, queue and log under one
 * directory, no listener, no system service. It relays everything to one hub over STARTTLS with TLS connection
 * reuse, the Postfix set-up that administrators would pick instead of the relay.
 *
 * <p>Messages go in through Postfix's own {@code sendmail} (postdrop writes them to the maildrop directory) while the
 * instance is stopped; {@link #start()} then lets pickup drain the maildrop, which is the same job as the relay's
 * spool intake.
 */
final class PostfixPeer {

    private final Path config;
    private final Path queue;

    private PostfixPeer(Path dir) {
        this.config = dir.resolve("etc");
        this.queue = dir.resolve("queue");
    }

    /**
     * Writes the instance's main.cf and master.cf and creates its queue in a new directory below /tmp, open to the
     * postfix user (the bench's own work directory is not); Postfix must be installed.
     */
    static PostfixPeer create(String hubHost, int hubPort, Path hubCertificate) throws Exception {
        Path dir = Files.createTempDirectory("relay-bench-postfix-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        System.out.println("Postfix instance (configuration, queue, maillog; delete when done): " + dir);
        PostfixPeer peer = new PostfixPeer(dir);
        Files.createDirectories(peer.config);
        Files.createDirectories(peer.queue);
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(peer.config.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + peer.queue,
                "data_directory = " + dir.resolve("data"),
                "meta_directory = /etc/postfix",
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "myhostname = pickup." + RelayBench.DOMAIN,
                "myorigin = " + RelayBench.DOMAIN,
                "mydestination =",
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "relayhost = [" + hubHost + "]:" + hubPort,
                "smtp_tls_security_level = encrypt",
                "smtp_tls_CAfile = " + hubCertificate,
                "smtp_tls_connection_reuse = yes",
                // the hub's certificate names localhost, not the relayhost's address
                "smtp_tls_verify_cert_match = nexthop, localhost",
                "maillog_file = " + dir.resolve("maillog"),
                "maillog_file_prefixes = " + dir,
                "biff = no",
                "smtputf8_enable = no",
                "") + "\n");
        // the packaged master.cf without the SMTP listener on port 25: the instance only sends
        List<String> master = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/usr/share/postfix/master.cf.dist"))) {
            master.add(line.startsWith("smtp      inet") ? "#" + line : line);
        }
        // smtp_tls_connection_reuse hands the TLS sessions to tlsproxy, which the packaged file does not list
        master.add("tlsproxy  unix  -       -       n       -       0       tlsproxy");
        Files.write(peer.config.resolve("master.cf"), master);
        // no chroot: the private queue directory has none of the files a chroot jail needs
        run("/usr/sbin/postconf", "-c", peer.config.toString(), "-F", "*/*/chroot = n");
        peer.postfix("set-permissions", "create-missing");
        peer.postfix("check");
        return peer;
    }

    /** Drops one message into the maildrop with Postfix's sendmail; the instance may be stopped. */
    void inject(byte[] message, String from, String to) throws Exception {
        Process sendmail = new ProcessBuilder("/usr/sbin/sendmail", "-C", config.toString(), "-i", "-f", from, to)
                .redirectErrorStream(true).start();
        try (OutputStream in = sendmail.getOutputStream()) {
            in.write(message);
        }
        String output = new String(sendmail.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!sendmail.waitFor(30, TimeUnit.SECONDS) || sendmail.exitValue() != 0) {
            throw new IllegalStateException("sendmail failed: " + output);
        }
    }

    /** Messages waiting in the maildrop directory. */
    long maildropCount() throws IOException {
        try (var files = Files.list(queue.resolve("maildrop"))) {
            return files.count();
        }
    }

    void start() throws Exception {
        postfix("start");
    }

    void stop() throws Exception {
        postfix("stop");
    }

    /** The instance's log (Postfix's postlogd), for when something went wrong. */
    Path log() {
        return queue.getParent().resolve("maillog");
    }

    private void postfix(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("/usr/sbin/postfix", "-c", config.toString()));
        line.addAll(List.of(command));
        run(line.toArray(String[]::new));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
